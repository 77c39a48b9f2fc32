/**
 * The catalogue: every dataset spec with its privacy plan under the running configuration (the
 * period budget shared out by budgetShare, the k floor, the selection delta). The plan depends on
 * configuration only, never on data, so it is computed once, shown to researchers before any
 * release, and then executed unchanged by the release job.
 */
import type { AppConfig } from '../config';
import { ConfigError } from '../config';
import { AppError } from '../errors';
import type { AppDeps } from '../deps';
import {
  approxDpEpsilon,
  composeZcdp,
  DEFAULT_CONVERSION_DELTA,
  type MeasureSpec,
  planDatasetRelease,
  prepareRelease,
  type PreparedRelease,
  type ReleasePlan,
  splitBudget,
} from '../privacy';
import { dimensionDomain, publicKeySpace, shareGroupsOf } from './dataset-cells';
import { bundledDatasetSpecs } from '../datasets/dataset-registry';
import { BYTE_UNITS, type DatasetSpec, type Measure, SHARE_GRID_UNITS } from '../datasets/dataset-spec';

export interface CataloguedDataset {
  spec: DatasetSpec;
  /** Effective k: the larger of the service's K_ANONYMITY and the spec's own k. */
  k: number;
  /** This dataset's share of the period budget, in rho and in selection delta (0 with public keys). */
  rho: number;
  selectionDelta: number;
  /** Public keys: the declared key space, every key of which gets a row in every release; null with private keys. */
  publicKeys: readonly string[] | null;
  /** With the organization_share measure: each declared key's group (the key without the share dimension); else null. */
  shareGroups: ReadonlyMap<string, string> | null;
  plan: ReleasePlan;
  prepared: PreparedRelease;
  /** Every value each dimension can take, by dimension name. */
  domains: Record<string, string[]>;
}

export interface PeriodBudget {
  rho: number;
  selectionDelta: number;
  conversionDelta: number;
  /** What all datasets of one period spend together, and its (epsilon, delta) statement. */
  rhoCharged: number;
  epsilon: number;
  delta: number;
}

export interface DatasetCatalogue {
  datasets: readonly CataloguedDataset[];
  periodBudget: PeriodBudget;
  get(datasetId: string): CataloguedDataset | undefined;
}

export const MEASURE_UNITS: Record<Measure, (spec: DatasetSpec) => string> = {
  transfer_count: () => 'transfers',
  distinct_organizations: () => 'organizations',
  clamped_byte_sum: (spec) => (spec.byteUnit === 'B' ? 'bytes' : `${spec.byteUnit} (10^${Math.log10(BYTE_UNITS[spec.byteUnit])} bytes)`),
  organization_share: () => 'proportion (0 to 1)',
};

/** What the published share estimates, in words, for every package and methodology card. */
export const SHARE_ESTIMAND =
  'organization_share is the average organization\'s share: each organization in a group (the key without the share dimension) ' +
  'contributes its own distribution of its transfers over the share dimension\'s values, and the published share is the mean of those ' +
  'distributions. It weights organizations equally, not transfers: a large organization counts as much as a small one, so it answers ' +
  '"what share does a typical member have" rather than "what share of all transfers".';

function measureSpecOf(spec: DatasetSpec, measure: Measure): MeasureSpec {
  const budgetWeight = spec.budgetWeights[measure] ?? 1;
  switch (measure) {
    case 'transfer_count':
      return { name: measure, kind: measure, maxCountPerCell: spec.bounds.maxTransfersPerCell, budgetWeight };
    case 'distinct_organizations':
      return { name: measure, kind: measure, budgetWeight };
    case 'clamped_byte_sum':
      return { name: measure, kind: measure, maxBytesPerCell: spec.bounds.maxBytesPerCell / BYTE_UNITS[spec.byteUnit], budgetWeight };
    case 'organization_share':
      if (!spec.shares) throw new RangeError('organization_share needs the spec\'s "shares" declaration');
      return { name: measure, kind: measure, maxGroupsPerContributor: spec.shares.maxGroupsPerOrganization, gridUnits: SHARE_GRID_UNITS, budgetWeight };
  }
}

/** Builds the catalogue; a spec whose plan cannot be computed (e.g. bounds too large) is a ConfigError. */
export function buildDatasetCatalogue(specs: readonly DatasetSpec[], config: Pick<AppConfig, 'periodBudgetRho' | 'kAnonymity' | 'selectionDelta'>): DatasetCatalogue {
  const shares = specs.map((spec) => spec.budgetShare);
  const unallocated = Math.max(0, 1 - shares.reduce((sum, share) => sum + share, 0));
  // The unallocated weight keeps shares that add up to less than 1 from being scaled up to the whole budget.
  const weights = unallocated > 0 ? [...shares, unallocated] : shares;
  const rhos = splitBudget(config.periodBudgetRho, weights);
  // Only private-keys datasets spend selection delta; with public keys nothing is selected privately.
  const deltaWeights = weights.map((weight, index) => (index < specs.length && specs[index]!.keys === 'public' ? 0 : weight));
  const deltas = specs.some((spec) => spec.keys === 'private') ? splitBudget(config.selectionDelta, deltaWeights) : specs.map(() => 0);
  const datasets = specs.map((spec, index): CataloguedDataset => {
    const k = Math.max(config.kAnonymity, spec.k ?? 0);
    const selectionDelta = spec.keys === 'public' ? 0 : deltas[index]!;
    let plan: ReleasePlan;
    let publicKeys: string[] | null;
    let shareGroups: Map<string, string> | null = null;
    try {
      publicKeys = spec.keys === 'public' ? publicKeySpace(spec) : null;
      if (publicKeys && spec.measures.includes('organization_share')) shareGroups = shareGroupsOf(spec, publicKeys);
      plan = planDatasetRelease({
        maxCellsPerContributor: spec.bounds.maxCellsPerOrganization,
        minContributorsPerCell: k,
        keys: spec.keys,
        measures: spec.measures.map((measure) => measureSpecOf(spec, measure)),
        rho: rhos[index]!,
        selectionDelta,
        mechanism: spec.mechanism,
      });
    } catch (error) {
      throw new ConfigError(`dataset ${spec.id}: no privacy plan: ${(error as Error).message}`);
    }
    return {
      spec,
      k,
      rho: rhos[index]!,
      selectionDelta,
      publicKeys,
      shareGroups,
      plan,
      prepared: prepareRelease(plan),
      domains: Object.fromEntries(spec.dimensions.map((dimension) => [dimension.name, dimensionDomain(spec, dimension)])),
    };
  });
  const rhoCharged = composeZcdp(datasets.map((dataset) => dataset.plan.accounting.rhoCharged));
  const selectionDeltaSpent = datasets.reduce((sum, dataset) => sum + dataset.selectionDelta, 0);
  const periodBudget: PeriodBudget = {
    rho: config.periodBudgetRho,
    selectionDelta: selectionDeltaSpent,
    conversionDelta: DEFAULT_CONVERSION_DELTA,
    rhoCharged,
    epsilon: approxDpEpsilon(rhoCharged, DEFAULT_CONVERSION_DELTA),
    delta: DEFAULT_CONVERSION_DELTA + selectionDeltaSpent,
  };
  const byId = new Map(datasets.map((dataset) => [dataset.spec.id, dataset]));
  return { datasets, periodBudget, get: (datasetId) => byId.get(datasetId) };
}

/**
 * How a dataset decides which keys appear, in one sentence for researchers: public keys with
 * suppression on the noisy count, or private DP selection.
 */
export function keySelectionStatement(dataset: CataloguedDataset): string {
  const { plan, k } = dataset;
  if (plan.selection === null) {
    return (
      `Every combination of the dimensions' values (${dataset.publicKeys?.length ?? 0} keys, declared in advance) has a row in every release, ` +
      `noised whether or not any organization contributed. A key whose noisy organization count is below ${k} is marked ` +
      '"suppressed" (reason fewer_than_k_organizations) and its values are left empty. That decision reads only the noisy count, never ' +
      'the true one, so it costs no privacy; a suppressed key may still have had contributors, and an empty value is not a zero.'
    );
  }
  return (
    `Cells are published only if at least ${k} organizations contributed (k-anonymity floor) and the organization count plus noise ` +
    `(sd ${plan.selection.noiseStandardDeviation.toFixed(2)}) reaches ${plan.selection.threshold}. A cell that exists because of a single ` +
    `organization is published with probability at most ${plan.selection.perCellDelta.toExponential(2)}; the set of published cells is ` +
    'therefore itself differentially private, and absent cells are "not published", not zero.'
  );
}

/** Catalogues by spec list and by the configuration values they depend on (plans take ~0.1 s to compute). */
const catalogues = new WeakMap<readonly DatasetSpec[], Map<string, DatasetCatalogue>>();

/** The catalogue for these dependencies, computed once per (specs, budget configuration). */
export function datasetCatalogueOf(deps: Pick<AppDeps, 'config' | 'datasets'>): DatasetCatalogue {
  const specs = deps.datasets ?? bundledDatasetSpecs();
  const { periodBudgetRho, kAnonymity, selectionDelta } = deps.config;
  const key = `${periodBudgetRho}/${kAnonymity}/${selectionDelta}`;
  let byConfig = catalogues.get(specs);
  if (!byConfig) {
    byConfig = new Map();
    catalogues.set(specs, byConfig);
  }
  let catalogue = byConfig.get(key);
  if (!catalogue) {
    catalogue = buildDatasetCatalogue(specs, { periodBudgetRho, kAnonymity, selectionDelta });
    byConfig.set(key, catalogue);
  }
  return catalogue;
}

/** The catalogued dataset with this id, or not-found. */
export function requireCataloguedDataset(deps: Pick<AppDeps, 'config' | 'datasets'>, datasetId: string): { dataset: CataloguedDataset; catalogue: DatasetCatalogue } {
  const catalogue = datasetCatalogueOf(deps);
  const dataset = catalogue.get(datasetId);
  if (!dataset) throw new AppError('not-found', 'No dataset with this id. GET /v1/datasets lists them.');
  return { dataset, catalogue };
}
