import { createRoute, z } from '@hono/zod-openapi';
import { PERIOD_GRANULARITIES } from '../../../periods/period';
import { planCoalition } from '../../../reports/coalition-plan';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';

const LossSchema = z.object({
  rho: z.number().openapi({ description: 'zCDP rho per organization.' }),
  epsilon: z.number().openapi({ description: 'From rho at delta 1e-6 (CKS20 Corollary 13).' }),
  delta: z.number().openapi({ description: '1e-6 plus the key-selection deltas.' }),
});

const CoalitionPlanSchema = z
  .object({
    input: z.object({
      organizations: z.number().int(),
      period: z.enum(PERIOD_GRANULARITIES),
      yearlyBudgetRho: z.number(),
      periodBudgetRho: z.number().openapi({ description: 'Derived from the yearly budget and the period (or PERIOD_BUDGET_RHO when neither was given).' }),
      periodBudgetSource: z.enum(['derived', 'PERIOD_BUDGET_RHO']),
      periodsPerYear: z.number().int(),
      kAnonymity: z.number().int(),
      selectionDelta: z.number(),
    }),
    assumptions: z.array(z.string()).openapi({ description: 'How the expected errors were computed.' }),
    perPeriod: LossSchema.openapi({ description: 'All datasets of one period, composed.' }),
    perYear: LossSchema.openapi({ description: 'Every period of 12 months released at the planned cost.' }),
    yearlyCap: z.object({
      rho: z.number(),
      epsilon: z.number(),
      delta: z.number(),
      maxPeriodsPerYear: z.number().int(),
      periodRho: z.number(),
      periodRhoSource: z.enum(['derived', 'PERIOD_BUDGET_RHO']),
      summary: z.string(),
    }),
    datasets: z.array(
      z.object({
        datasetId: z.string(),
        title: z.string(),
        keys: z.number().int().openapi({ description: 'Size of the key space: the cross product of the dimensions.' }),
        keySelection: z.enum(['private-selection', 'public-keys']),
        k: z.number().int(),
        maxKeysPerOrganization: z.number().int().openapi({ description: 'L0.' }),
        expectedOrganizationsPerKey: z.number(),
        publication: z.object({
          rule: z.string(),
          noiseStandardDeviation: z.number(),
          organizationsFor50Percent: z.number().int(),
          organizationsFor95Percent: z.number().int(),
          probabilityAtExpectedOrganizations: z.number(),
        }),
        perPeriod: LossSchema,
        perYear: LossSchema,
        measures: z.array(
          z.object({
            name: z.string(),
            kind: z.string(),
            unit: z.string(),
            noiseStandardDeviation: z.number(),
            ci95HalfWidth: z.number(),
            expectedValue: z.number(),
            expectedRelativeError: z.number().openapi({ description: 'ci95HalfWidth / expectedValue.' }),
            share: z
              .object({
                over: z.string(),
                categories: z.number().int(),
                groups: z.number().int(),
                maxGroupsPerOrganization: z.number().int(),
                expectedOrganizationsPerGroup: z.number(),
                shareSumNoiseSd: z.number().openapi({ description: 'sd of one noisy share-sum, in organizations.' }),
                atGroupSize: z.array(
                  z.object({ organizations: z.number(), noiseSdPercentagePoints: z.number(), ci95HalfWidthPercentagePoints: z.number() }),
                ),
              })
              .optional()
              .openapi({ description: 'organization_share only: the share\'s sd and 95% half-width in percentage points for groups of 100, 200 and the expected number of organizations.' }),
          }),
        ),
      }),
    ),
  })
  .openapi('CoalitionPlan');

const PlanQuery = z.object({
  orgs: z.coerce
    .number()
    .int()
    .min(1)
    .max(1_000_000)
    .openapi({ description: 'Organizations taking part in every period.', example: 300 }),
  period: z.enum(PERIOD_GRANULARITIES).optional().openapi({ description: 'Period kind (default: the configured PERIOD).' }),
  yearlyRho: z.coerce
    .number()
    .positive()
    .max(100_000)
    .optional()
    .openapi({ description: 'Yearly zCDP budget per organization (default: YEARLY_BUDGET_RHO).', example: 1 }),
});

export function registerCoalitionPlan(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/reports/plan',
      tags: ['Reports'],
      summary: 'Planner: what the catalogue would publish for a coalition of a given size',
      description:
        'Computed from declared numbers only (never from stored data): per dataset and measure the noise, the 95% interval, ' +
        'how many organizations a key needs to be published with probability 0.5 and 0.95, the expected relative error, ' +
        'and the (epsilon, delta) per period and per year.',
      security: bearerSecurity,
      middleware: [requireRole('privacy_officer')] as const,
      request: { query: PlanQuery },
      responses: {
        200: jsonContent(CoalitionPlanSchema, 'The plan.'),
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden'),
      },
    }),
    (c) => {
      const query = c.req.valid('query');
      const plan = planCoalition(c.var.deps, { organizations: query.orgs, period: query.period, yearlyBudgetRho: query.yearlyRho });
      return c.json(plan, 200);
    },
  );
}
