/** Wire shapes of the catalogue, methodology cards and release listings. */
import { z } from '@hono/zod-openapi';
import { keySelectionStatement, MEASURE_UNITS, SHARE_ESTIMAND, type CataloguedDataset, type PeriodBudget } from '../../../releases/dataset-catalogue';
import type { ConditionSpec, DatasetSpec, Measure } from '../../../datasets/dataset-spec';
import type { PeriodKindStatement } from '../../../releases/release-configuration';
import type { ReleaseSummaryRow } from '../../../releases/release-repository';
import type { YearlyBudgetStatement } from '../../../releases/yearly-budget';

export const DatasetIdParam = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,62}$/)
  .openapi({ param: { name: 'datasetId', in: 'path' }, example: 'ai-transfer-volume' });

const DimensionSchema = z.object({
  name: z.string(),
  title: z.string(),
  description: z.string(),
  values: z.array(z.string()).openapi({ description: 'Every value the dimension can take (published cells are a subset).' }),
});

const MeasureSchema = z.object({
  name: z.enum(['transfer_count', 'distinct_organizations', 'clamped_byte_sum', 'organization_share']),
  title: z.string(),
  unit: z.string(),
  boundPerOrganizationPerCell: z.number(),
  noiseSd: z.number().openapi({ description: 'Noise sd per key, in the unit of the measure; for organization_share, of the noisy share-sum in organizations.' }),
  ci95HalfWidth: z.number().openapi({ description: '95% half-width of the noisy value (organization_share: of the share-sum, in organizations).' }),
});

const PrivacySummarySchema = z.object({
  mechanism: z.enum(['discrete_gaussian', 'discrete_laplace']),
  rho: z.number(),
  epsilon: z.number(),
  delta: z.number(),
  k: z.number().int(),
  keys: z.enum(['public', 'private']).openapi({
    description: 'public: every declared key has a row in every release, suppressed when its noisy organization count is below k. private: keys are selected from the data with DP selection.',
  }),
  publicKeyCount: z.number().int().nullable().openapi({ description: 'Public keys: how many keys every release has a row for.' }),
  selectionThreshold: z.number().int().nullable().openapi({ description: 'Private keys only: a cell is published iff organizations >= k and organizations + noise >= this.' }),
  selectionNoiseSd: z.number().nullable(),
  summary: z.string(),
});

export const ReleaseSummarySchema = z
  .object({
    id: z.uuid(),
    datasetId: z.string(),
    period: z.string(),
    createdAt: z.string(),
    packageSha256: z.string(),
    previousReleaseId: z.string().nullable(),
    signingKeyId: z.string(),
    links: z.object({ self: z.string(), datapackage: z.string(), signature: z.string(), csv: z.string(), json: z.string() }),
  })
  .openapi('ReleaseSummary');

const CatalogueMetadataSchema = z
  .object({
    researchQuestion: z.string().openapi({ description: 'The Coalition for Secure AI (CoSAI) supply-chain research question this dataset answers.' }),
    researchQuestionSource: z.object({ title: z.string(), url: z.string() }),
    vocabularies: z.array(
      z.object({
        id: z.enum(['cosai-ws1-maturity-model', 'openssf-model-signing', 'slsa', 'in-toto', 'spdx-3']),
        title: z.string(),
        url: z.string(),
        usedFor: z.string().openapi({ description: 'What of the vocabulary the dataset uses, and for which dimensions.' }),
      }),
    ),
  })
  .openapi('DatasetCatalogueMetadata', { description: 'Where the dataset sits in AI supply-chain security work: the research question and the vocabularies its categories come from, with links.' });

export const DatasetSummarySchema = z
  .object({
    id: z.string(),
    version: z.string(),
    title: z.string(),
    description: z.string(),
    keywords: z.array(z.string()),
    dimensions: z.array(DimensionSchema),
    measures: z.array(MeasureSchema),
    budgetShare: z.number(),
    privacy: PrivacySummarySchema,
    catalogue: CatalogueMetadataSchema.nullable(),
    latestRelease: ReleaseSummarySchema.nullable(),
    links: z.object({ self: z.string(), releases: z.string(), console: z.string() }),
  })
  .openapi('DatasetSummary');

export const PeriodKindSchema = z
  .object({
    kind: z.enum(['day', 'week', 'month', 'quarter']).openapi({ description: 'The period every release covers (UTC): calendar quarter by default.' }),
    example: z.string().openapi({ example: '2026-Q4', description: 'An id of this kind.' }),
    graceHours: z.number().openapi({ description: 'Hours after a period ends during which late events are still accepted; it is released after them.' }),
    maxPeriodsPerYear: z.number().int().openapi({ description: 'The most periods of this kind that can start in 12 months: the yearly budget is divided by it.' }),
  })
  .openapi('PeriodKind');

export const YearlyBudgetSchema = z
  .object({
    rho: z.number().openapi({ description: 'YEARLY_BUDGET_RHO: the most any organization may lose over any 12 months (zCDP), enforced by the release job.' }),
    epsilon: z.number().openapi({ description: 'The same cap as (epsilon, delta)-DP, by the tight conversion (Canonne, Kamath, Steinke 2020, Corollary 13).' }),
    delta: z.number(),
    maxPeriodsPerYear: z.number().int(),
    periodRho: z.number().openapi({ description: 'The budget of one period: rho / maxPeriodsPerYear rounded down, or PERIOD_BUDGET_RHO when the operator set it lower.' }),
    periodRhoSource: z.enum(['derived', 'PERIOD_BUDGET_RHO']),
    summary: z.string(),
  })
  .openapi('YearlyBudget');

export const ReleaseConfigurationSchema = z
  .object({
    period: PeriodKindSchema.extend({ id: z.string(), start: z.string(), end: z.string(), releasableAt: z.string() }),
    yearlyBudget: YearlyBudgetSchema,
    periodBudget: z.object({
      rho: z.number(),
      source: z.enum(['derived', 'PERIOD_BUDGET_RHO']),
      rhoCharged: z.number(),
      epsilon: z.number(),
      delta: z.number(),
    }),
    kAnonymity: z.number().int(),
    selectionDelta: z.number(),
    license: z.string(),
  })
  .openapi('ReleaseConfiguration', { description: 'The configuration in force when the release was made, as stated in its signed datapackage.json.' });

export const PeriodBudgetSchema = z
  .object({
    rho: z.number(),
    selectionDelta: z.number(),
    rhoCharged: z.number(),
    epsilon: z.number(),
    delta: z.number(),
    summary: z.string(),
  })
  .openapi('PeriodBudget');

export const MethodologySchema = DatasetSummarySchema.extend({
  methodology: z.object({
    counted: z.string(),
    filters: z.array(z.string()),
    privacyUnit: z.string(),
    bounds: z.object({
      maxCellsPerOrganization: z.number().int(),
      maxTransfersPerCell: z.number().int(),
      maxBytesPerCell: z.number().int(),
      byteUnit: z.string(),
      rationale: z.string(),
    }),
    privacy: z.object({
      definition: z.string(),
      mechanism: z.string(),
      selection: z.string(),
      period: PeriodKindSchema,
      yearlyBudget: YearlyBudgetSchema,
      periodBudget: PeriodBudgetSchema,
    }),
    intervals: z.string(),
    knownBiases: z.array(z.string()),
    verification: z.string(),
  }),
  plan: z.record(z.string(), z.unknown()).openapi({ description: 'The privacy engine plan, verbatim: exact noise parameters, sensitivities, costs.' }),
}).openapi('DatasetMethodology');

const MEASURE_TITLES: Record<Measure, string> = {
  transfer_count: 'Transfers',
  distinct_organizations: 'Contributing organizations',
  clamped_byte_sum: 'Bytes transferred (clamped)',
  organization_share: "Share of the average organization's transfers",
};

export function releaseLinks(releaseId: string) {
  const base = `/v1/releases/${releaseId}`;
  return {
    self: base,
    datapackage: `${base}/datapackage.json`,
    signature: `${base}/datapackage.json.sig`,
    csv: `${base}/data.csv`,
    json: `${base}/data.json`,
  };
}

export function releaseSummaryView(row: ReleaseSummaryRow) {
  return {
    id: row.id,
    datasetId: row.dataset_id,
    period: row.period,
    createdAt: row.created_at,
    packageSha256: row.package_sha256,
    previousReleaseId: row.previous_release_id,
    signingKeyId: row.signing_key_id,
    links: releaseLinks(row.id),
  };
}

export function datasetSummaryView(dataset: CataloguedDataset, latest: ReleaseSummaryRow | undefined) {
  const { spec, plan, k } = dataset;
  return {
    id: spec.id,
    version: spec.version,
    title: spec.title,
    description: spec.description,
    keywords: spec.keywords,
    dimensions: spec.dimensions.map((dimension) => ({
      name: dimension.name,
      title: dimension.title,
      description: dimension.description,
      values: dataset.domains[dimension.name] ?? [],
    })),
    measures: plan.measures.map((measure) => ({
      name: measure.name as Measure,
      title: MEASURE_TITLES[measure.name as Measure],
      unit: MEASURE_UNITS[measure.name as Measure](spec),
      // Shares: one organization's distribution in a group sums to 1; noise stated per share-sum, in organizations.
      boundPerOrganizationPerCell: measure.kind === 'organization_share' ? 1 : measure.maxPerContributorPerCell,
      noiseSd: measure.kind === 'organization_share' ? measure.noiseStandardDeviation / measure.maxPerContributorPerCell : measure.noiseStandardDeviation,
      ci95HalfWidth: measure.kind === 'organization_share' ? measure.ci95HalfWidth / measure.maxPerContributorPerCell : measure.ci95HalfWidth,
    })),
    budgetShare: spec.budgetShare,
    privacy: {
      mechanism: plan.accounting.mechanism === 'gaussian' ? ('discrete_gaussian' as const) : ('discrete_laplace' as const),
      rho: plan.accounting.rhoCharged,
      epsilon: plan.accounting.epsilon,
      delta: plan.accounting.delta,
      k,
      keys: plan.keys,
      publicKeyCount: dataset.publicKeys?.length ?? null,
      selectionThreshold: plan.selection?.threshold ?? null,
      selectionNoiseSd: plan.selection?.noiseStandardDeviation ?? null,
      summary: plan.accounting.summary,
    },
    catalogue: spec.catalogue ?? null,
    latestRelease: latest ? releaseSummaryView(latest) : null,
    links: { self: `/v1/datasets/${spec.id}`, releases: `/v1/datasets/${spec.id}/releases`, console: `/console/datasets/${spec.id}` },
  };
}

function describeFilter(condition: ConditionSpec): string {
  return condition.in ? `${condition.column} is one of ${condition.in.join(', ')}` : `${condition.column} is none of ${condition.notIn?.join(', ')}`;
}

/** Biases every dataset has by construction, stated once here and listed before the spec's own. */
function universalBiases(spec: DatasetSpec, dataset: CataloguedDataset): string[] {
  return [
    `Clamping: each organization contributes at most ${spec.bounds.maxTransfersPerCell} transfers${spec.measures.includes('clamped_byte_sum') ? ` and ${spec.bounds.maxBytesPerCell} bytes` : ''} per cell, so totals of heavy users are biased downward.`,
    `L0 sampling: an organization present in more than ${spec.bounds.maxCellsPerOrganization} cells contributes to ${spec.bounds.maxCellsPerOrganization} of them chosen uniformly at random, so its other cells are under-counted.`,
    dataset.plan.selection === null
      ? `Suppression: a key whose noisy organization count is below ${dataset.k} is published as suppressed with empty values; keys with few organizations are therefore often suppressed, and a suppressed key is not a zero.`
      : `Selection: a cell with fewer than ${dataset.k} organizations is never published, and one with more is published only when its noisy organization count reaches ${dataset.plan.selection.threshold}; absent cells are "not published", not zero.`,
    dataset.plan.selection === null
      ? 'Post-processing: published values are made whole numbers >= 0 and consistent (transfers >= organizations), which biases small values upward; the unprocessed noisy measurements (noisy-measurements.csv) are unbiased and are the ones to sum or average over keys.'
      : 'Noise is not clipped: small published values can be negative, which keeps sums and averages over cells unbiased.',
  ];
}

export function methodologyView(
  dataset: CataloguedDataset,
  periodBudget: PeriodBudget,
  latest: ReleaseSummaryRow | undefined,
  statements: { period: PeriodKindStatement; yearlyBudget: YearlyBudgetStatement },
) {
  const { spec, plan } = dataset;
  return {
    ...datasetSummaryView(dataset, latest),
    methodology: {
      counted: spec.methodology.counted,
      filters: spec.filters.map(describeFilter),
      privacyUnit: spec.methodology.unit,
      bounds: {
        maxCellsPerOrganization: spec.bounds.maxCellsPerOrganization,
        maxTransfersPerCell: spec.bounds.maxTransfersPerCell,
        maxBytesPerCell: spec.bounds.maxBytesPerCell,
        byteUnit: spec.byteUnit,
        rationale: spec.bounds.rationale,
      },
      privacy: {
        definition:
          'Zero-concentrated differential privacy (zCDP) per contributing organization and period: adding or removing all of one organization\'s telemetry for the period changes the distribution of everything published about that period by a bounded amount. Budgets add up across datasets and are recorded in the budget ledger.',
        mechanism:
          plan.accounting.mechanism === 'gaussian'
            ? 'Discrete Gaussian noise, sampled exactly over the integers (Canonne, Kamath, Steinke 2020) from a cryptographic random source. Each measure and the key selection get their own share of this dataset\'s budget.'
            : 'Discrete Laplace noise, sampled exactly over the integers (Canonne, Kamath, Steinke 2020) from a cryptographic random source.',
        period: statements.period,
        yearlyBudget: statements.yearlyBudget,
        selection: keySelectionStatement(dataset),
        periodBudget: {
          rho: periodBudget.rho,
          selectionDelta: periodBudget.selectionDelta,
          rhoCharged: periodBudget.rhoCharged,
          epsilon: periodBudget.epsilon,
          delta: periodBudget.delta,
          summary: `All datasets of one period together: rho = ${periodBudget.rhoCharged.toPrecision(3)} zCDP, i.e. (${periodBudget.epsilon.toPrecision(3)}, ${periodBudget.delta.toExponential(1)})-DP per organization.`,
        },
      },
      intervals:
        'Each value comes with its noise standard deviation and a 95% interval [ci95_low, ci95_high]. The interval covers the bounded value (every organization capped at the bounds above) with probability at least 95%; it does not cover the error the bounds themselves introduce, so it is not an interval for the true, unbounded total.' +
        (spec.shares
          ? ` organization_share values are proportions (0 to 1): ${SHARE_ESTIMAND} Their 95% interval is the Fieller interval for the ratio of the key's noisy share-sum to its group's noisy organization count, so it carries the noise of both.`
          : ''),
      knownBiases: [...universalBiases(spec, dataset), ...spec.methodology.knownBiases],
      verification:
        'Every release is a Frictionless Data Package signed with Ed25519 (keys at /.well-known/jwks.json). Verify with `npm run verify -- <release URL>` or with openssl; see docs/releases.md.',
    },
    plan: plan as unknown as Record<string, unknown>,
  };
}
