/**
 * The coalition planner: what the configured catalogue would publish for a coalition of a declared
 * size, before anyone sends anything. Its inputs are declared numbers (how many organizations, the
 * period kind, the yearly budget); it never reads stored data, so its answers are public and can be
 * shown to prospective members. Anchor: PipelineDP's utility analysis, done here in closed form from
 * the exact noise distributions instead of by re-running the release.
 *
 * Everything is derived through the release engine's own plan (planDatasetRelease via the
 * catalogue) and its noise statistics; nothing is re-calibrated here.
 *
 * ## Data function: `planCoalition(deps, input)`
 * Used by `npm run plan`, `GET /v1/reports/plan` and the privacy console's budget page.
 * Input `{ organizations, period?, yearlyBudgetRho? }`; a period or yearly budget left out is taken
 * from the running configuration. Returns a `CoalitionPlan`, plain JSON:
 * - `input`: `{ organizations, period, yearlyBudgetRho, periodBudgetRho, periodBudgetSource,
 *   periodsPerYear, kAnonymity, selectionDelta }`, the numbers the plan was computed from.
 * - `assumptions`: sentences stating how the expected errors were computed.
 * - `perPeriod` and `perYear`: `{ rho, epsilon, delta }` per organization, all datasets together
 *   (per year: every period of 12 months released at the planned cost; tight CKS20 conversion at
 *   delta 1e-6 plus the selection deltas). `yearlyCap`: the enforced cap as the catalogue states it.
 * - `datasets[]`: `{ datasetId, title, keys, keySelection, k, publication, expectedOrganizationsPerKey,
 *   perPeriod, perYear, measures[] }` where
 *   - `keys` is the size of the public key space (cross product of the dimensions' domains);
 *   - `publication`: `{ rule, noiseStandardDeviation, organizationsFor50Percent,
 *     organizationsFor95Percent, probabilityAtExpectedOrganizations }`: the fewest organizations a
 *     key needs to be published with probability 0.5 and 0.95 (lower bounds on the probability from
 *     upper tail bounds, so the organization counts are never understated);
 *   - `measures[]`: `{ name, kind, unit, noiseStandardDeviation, ci95HalfWidth, expectedValue,
 *     expectedRelativeError, share? }` at `expectedOrganizationsPerKey` (see `assumptions`); for
 *     organization_share the figures are percentage points of the share for a group of the expected
 *     size, and `share` gives them at 100 and 200 organizations too (see ShareForecast).
 */
import { periodBudgetRhoCap, type AppConfig } from '../config';
import type { AppDeps } from '../deps';
import { maxPeriodsPerYear, type PeriodGranularity } from '../periods/period';
import {
  type MeasurePlan,
  noiseFromDescription,
  type NoiseDistribution,
  shareIntervalMultiplier,
  smallestTailIndexWithin,
  upperTailBound,
} from '../privacy';
import { type CataloguedDataset, datasetCatalogueOf, MEASURE_UNITS } from '../releases/dataset-catalogue';
import { type YearlyBudgetStatement, yearlyBudgetStatement } from '../releases/yearly-budget';
import { composedLoss, type PrivacyLoss } from './privacy-loss';

export interface CoalitionPlanInput {
  /** Organizations taking part in every period. */
  organizations: number;
  period?: PeriodGranularity | undefined;
  yearlyBudgetRho?: number | undefined;
}

/** How a key gets published, and how many organizations it takes. */
export interface PublicationOdds {
  /** The rule, in words. */
  rule: string;
  /** sd of the noise the rule is applied to. */
  noiseStandardDeviation: number;
  organizationsFor50Percent: number;
  organizationsFor95Percent: number;
  /** The probability that a key with `expectedOrganizationsPerKey` (rounded down) organizations is published (see publicationProbability). */
  probabilityAtExpectedOrganizations: number;
}

/**
 * organization_share: the precision of a published share for a group of N organizations, in
 * percentage points: half-width 100 z s sqrt(max(1, C / 4)) / N, with s the noise sd of one noisy
 * share-sum in organizations, C the keys of a group and z the interval multiplier (1.96 with Gaussian
 * noise). That is the delta method for any share up to 50% (its variance factor 1 - 2p + C p^2 is at
 * most max(1, C / 4) there), with the denominator taken as known; the published Fieller interval
 * also carries the denominator's noise, which widens it noticeably only in groups of a few dozen.
 */
export interface ShareForecast {
  /** The share dimension. */
  over: string;
  /** Keys per group (the share dimension's values). */
  categories: number;
  groups: number;
  maxGroupsPerOrganization: number;
  /** organizations * min(L0 of the shares, groups) / groups. */
  expectedOrganizationsPerGroup: number;
  /** sd of one noisy share-sum, in organizations. */
  shareSumNoiseSd: number;
  /** For groups of 100 and 200 organizations and of the expected size: the share's sd and 95% half-width, in percentage points. */
  atGroupSize: { organizations: number; noiseSdPercentagePoints: number; ci95HalfWidthPercentagePoints: number }[];
}

export interface MeasureForecast {
  name: string;
  kind: MeasurePlan['kind'];
  unit: string;
  /** Shares: the share's sd and half-width in percentage points for a group of the expected size. */
  noiseStandardDeviation: number;
  ci95HalfWidth: number;
  /** The value of a key with `expectedOrganizationsPerKey` organizations, under the stated assumptions. */
  expectedValue: number;
  /** ci95HalfWidth / expectedValue: the 95% relative error of such a key. */
  expectedRelativeError: number;
  /** organization_share only. */
  share?: ShareForecast;
}

export interface DatasetForecast {
  datasetId: string;
  title: string;
  keys: number;
  keySelection: 'private-selection' | 'public-keys';
  k: number;
  maxKeysPerOrganization: number;
  /** organizations * min(L0, keys) / keys (see assumptions). */
  expectedOrganizationsPerKey: number;
  publication: PublicationOdds;
  perPeriod: PrivacyLoss;
  perYear: PrivacyLoss;
  measures: MeasureForecast[];
}

export interface CoalitionPlan {
  input: {
    organizations: number;
    period: PeriodGranularity;
    yearlyBudgetRho: number;
    periodBudgetRho: number;
    periodBudgetSource: AppConfig['periodBudgetSource'];
    periodsPerYear: number;
    kAnonymity: number;
    selectionDelta: number;
  };
  assumptions: string[];
  perPeriod: PrivacyLoss;
  perYear: PrivacyLoss;
  yearlyCap: YearlyBudgetStatement;
  datasets: DatasetForecast[];
}

/** Share of its cap an organization is assumed to put into each key it contributes to. */
export const ASSUMED_FILL_OF_CAP = 0.5;

export const PLAN_ASSUMPTIONS = [
  'Every organization takes part in every period of the year.',
  'Each organization contributes to as many keys as its contribution bound (L0) allows, spread evenly over the keys, ' +
    'so a key has organizations x min(L0, keys) / keys organizations; real traffic is skewed, so popular keys have more and rare keys fewer.',
  `In each key it contributes to, an organization's capped transfer count and clamped byte total are ${ASSUMED_FILL_OF_CAP * 100}% of the cap.`,
  'Relative errors are 95% interval half-widths divided by the expected value of such a key. The organizations a key needs are computed from the exact noise distribution, rounded up.',
  'Shares (organization_share) are stated in percentage points for a group (the key without the share dimension) of 100, of 200 and of the expected number of organizations: ' +
    'organizations x min(L0 of the shares, groups) / groups, each contributing to as many groups as its share bound allows. The half-width holds for any share up to 50% ' +
    '(delta method, denominator taken as known); the expected value is an even split over the group\'s keys.',
];

/**
 * The plan for a coalition of `input.organizations` (see the module comment for the shape). Pure given
 * the configuration and the dataset specs: no storage, clock or randomness is used.
 */
export function planCoalition(deps: Pick<AppDeps, 'config' | 'datasets'>, input: CoalitionPlanInput): CoalitionPlan {
  if (!Number.isSafeInteger(input.organizations) || input.organizations < 1) throw new RangeError('organizations must be a positive integer');
  const period = input.period ?? deps.config.period;
  const yearlyBudgetRho = input.yearlyBudgetRho ?? deps.config.yearlyBudgetRho;
  const keepsRunningBudget = input.period === undefined && input.yearlyBudgetRho === undefined;
  const config: AppConfig = {
    ...deps.config,
    period,
    yearlyBudgetRho,
    periodBudgetRho: keepsRunningBudget ? deps.config.periodBudgetRho : periodBudgetRhoCap(yearlyBudgetRho, period),
    periodBudgetSource: keepsRunningBudget ? deps.config.periodBudgetSource : 'derived',
  };
  const catalogue = datasetCatalogueOf({ config, datasets: deps.datasets });
  const periodsPerYear = maxPeriodsPerYear(period);
  const yearOf = (charges: readonly { rho: number; delta: number }[]) =>
    composedLoss(Array.from({ length: periodsPerYear }, () => charges).flat());
  const periodCharges = catalogue.datasets.map((dataset) => dataset.plan.accounting);
  return {
    input: {
      organizations: input.organizations,
      period,
      yearlyBudgetRho,
      periodBudgetRho: config.periodBudgetRho,
      periodBudgetSource: config.periodBudgetSource,
      periodsPerYear,
      kAnonymity: config.kAnonymity,
      selectionDelta: config.selectionDelta,
    },
    assumptions: PLAN_ASSUMPTIONS,
    perPeriod: composedLoss(periodCharges.map(({ rhoCharged, delta }) => ({ rho: rhoCharged, delta }))),
    perYear: yearOf(periodCharges.map(({ rhoCharged, delta }) => ({ rho: rhoCharged, delta }))),
    yearlyCap: yearlyBudgetStatement(config, catalogue.periodBudget.selectionDelta),
    datasets: catalogue.datasets.map((dataset) => forecastDataset(dataset, input.organizations, yearOf)),
  };
}

function forecastDataset(
  dataset: CataloguedDataset,
  organizations: number,
  yearOf: (charges: readonly { rho: number; delta: number }[]) => PrivacyLoss,
): DatasetForecast {
  const { plan, spec } = dataset;
  const declaredKeys = (dataset as { publicKeys?: readonly string[] | null }).publicKeys;
  const keys = declaredKeys ? declaredKeys.length : Object.values(dataset.domains).reduce((product, domain) => product * domain.length, 1);
  const l0 = plan.maxCellsPerContributor;
  const expectedOrganizationsPerKey = (organizations * Math.min(l0, keys)) / keys;
  const charge = { rho: plan.accounting.rhoCharged, delta: plan.accounting.delta };
  const rule = publicationRuleOf(dataset);
  return {
    datasetId: spec.id,
    title: spec.title,
    keys,
    keySelection: rule.keySelection,
    k: dataset.k,
    maxKeysPerOrganization: l0,
    expectedOrganizationsPerKey,
    publication: {
      rule: rule.description,
      noiseStandardDeviation: rule.noiseStandardDeviation,
      organizationsFor50Percent: organizationsForProbability(rule.noise, rule.threshold, 0.5),
      organizationsFor95Percent: organizationsForProbability(rule.noise, rule.threshold, 0.95),
      probabilityAtExpectedOrganizations: publicationProbability(rule.noise, rule.threshold, Math.floor(expectedOrganizationsPerKey)),
    },
    perPeriod: composedLoss([charge]),
    perYear: yearOf([charge]),
    measures: plan.measures.map((measure) => {
      if (measure.kind === 'organization_share') return forecastShare(dataset, measure, organizations);
      const expectedValue = expectedOrganizationsPerKey * assumedValuePerOrganization(measure);
      return {
        name: measure.name,
        kind: measure.kind,
        unit: MEASURE_UNITS[measure.kind](spec),
        noiseStandardDeviation: measure.noiseStandardDeviation,
        ci95HalfWidth: measure.ci95HalfWidth,
        expectedValue,
        expectedRelativeError: measure.ci95HalfWidth / expectedValue,
      };
    }),
  };
}

/** The share rows of the plan: percentage points for groups of 100, 200 and the expected size (see ShareForecast). */
function forecastShare(dataset: CataloguedDataset, measure: MeasurePlan, organizations: number): MeasureForecast {
  const groupOf = dataset.shareGroups ?? new Map<string, string>();
  const groups = Math.max(1, new Set(groupOf.values()).size);
  const categories = Math.max(1, Math.round(groupOf.size / groups));
  const maxGroupsPerOrganization = measure.maxGroupsPerContributor ?? 1;
  const expectedOrganizationsPerGroup = (organizations * Math.min(maxGroupsPerOrganization, groups)) / groups;
  const shareSumNoiseSd = measure.noiseStandardDeviation / measure.maxPerContributorPerCell;
  const z = shareIntervalMultiplier(dataset.plan.accounting.mechanism);
  const spread = Math.sqrt(Math.max(1, categories / 4));
  const at = (members: number) => ({
    organizations: members,
    noiseSdPercentagePoints: (100 * shareSumNoiseSd * spread) / members,
    ci95HalfWidthPercentagePoints: (100 * z * shareSumNoiseSd * spread) / members,
  });
  const expected = at(expectedOrganizationsPerGroup);
  const expectedValue = 100 / categories;
  return {
    name: measure.name,
    kind: measure.kind,
    unit: `percentage points, for a group of ${Math.round(expectedOrganizationsPerGroup)} organizations`,
    noiseStandardDeviation: expected.noiseSdPercentagePoints,
    ci95HalfWidth: expected.ci95HalfWidthPercentagePoints,
    expectedValue,
    expectedRelativeError: expected.ci95HalfWidthPercentagePoints / expectedValue,
    share: {
      over: dataset.spec.shares?.over ?? '',
      categories,
      groups,
      maxGroupsPerOrganization,
      expectedOrganizationsPerGroup,
      shareSumNoiseSd,
      atGroupSize: [at(100), at(200), expected],
    },
  };
}

interface PublicationRule {
  keySelection: DatasetForecast['keySelection'];
  description: string;
  noise: NoiseDistribution;
  noiseStandardDeviation: number;
  /**
   * A key with n organizations is published iff n + noise >= threshold: the selection threshold (which
   * exceeds k, so n >= k is implied) or, with public keys, k itself on the noisy organization count.
   */
  threshold: number;
}

/** Public keys: suppression on the noisy organization count, as the release plan states it. */
interface SuppressionRule {
  minNoisyOrganizations: number;
  measure: string;
}

function publicationRuleOf(dataset: CataloguedDataset): PublicationRule {
  const { plan } = dataset;
  const suppression = (plan as { suppression?: SuppressionRule | null }).suppression;
  if (suppression) {
    const measure = plan.measures.find((each) => each.name === suppression.measure);
    if (!measure) throw new Error(`plan of ${dataset.spec.id}: suppression reads a measure it does not have`);
    return {
      keySelection: 'public-keys',
      description:
        `public keys: every key has a row; it is published when its noisy organization count reaches k = ${suppression.minNoisyOrganizations}, ` +
        'and marked suppressed otherwise',
      noise: noiseFromDescription(measure.noise),
      noiseStandardDeviation: measure.noiseStandardDeviation,
      threshold: suppression.minNoisyOrganizations,
    };
  }
  const { selection } = plan;
  if (!selection) throw new Error(`plan of ${dataset.spec.id}: neither key selection nor suppression`);
  return {
    keySelection: 'private-selection',
    description:
      `private key selection: a key with at least k = ${selection.minContributorsPerCell} organizations is published when ` +
      `its organization count plus noise reaches ${selection.threshold}`,
    noise: noiseFromDescription(selection.noise),
    noiseStandardDeviation: selection.noiseStandardDeviation,
    threshold: selection.threshold,
  };
}

function assumedValuePerOrganization(measure: MeasurePlan): number {
  return measure.kind === 'distinct_organizations' ? 1 : ASSUMED_FILL_OF_CAP * measure.maxPerContributorPerCell;
}

/**
 * P(n + Z >= threshold) for symmetric integer noise Z, i.e. P(Z >= m) with m = threshold - n. When
 * m <= 0 it is 1 - P(Z >= 1 - m), bounded from below with the engine's upper tail bound; when m >= 1 it
 * is below 1/2 and the tail bound itself is given (an upper bound, tight to about 1e-9 relative for the
 * noise scales of the shipped specs, see noise-statistics.ts).
 */
export function publicationProbability(noise: NoiseDistribution, threshold: number, organizations: number): number {
  const m = threshold - organizations;
  if (m >= 1) return upperTailBound(noise, m);
  return Math.max(0, 1 - upperTailBound(noise, 1 - m));
}

/**
 * The fewest organizations n with P(n + Z >= threshold) >= probability (in [1/2, 1)), from the lower
 * bound above: 1 - bound(1 - m) >= p iff 1 - m >= the smallest j with bound(j) <= 1 - p, i.e.
 * n = threshold - 1 + j. For p = 1/2 and noise with mass at 0, j = 1 and n = threshold.
 */
export function organizationsForProbability(noise: NoiseDistribution, threshold: number, probability: number): number {
  if (!(probability >= 0.5 && probability < 1)) throw new RangeError('probability must be in [0.5, 1)');
  const tail = 1 - probability;
  const j = upperTailBound(noise, 1) <= tail ? 1 : smallestTailIndexWithin(noise, tail);
  return threshold - 1 + j;
}
