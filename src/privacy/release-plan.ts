/**
 * The privacy plan of one dataset's release: from the declared bounds, measures and budget share to the
 * exact noise, selection threshold, expected error and privacy cost of every part.
 *
 * The plan is computed before any data is read (it depends on configuration only), shown in the
 * catalogue and methodology card, stored with the release, and then executed by `releaseCells`. It is
 * plain JSON: exact noise parameters are rational strings "n/d", everything else is a finite number.
 *
 * Budget: the dataset's rho is split by weight between key selection and the measures
 * (`splitBudget`, rounded down). Each part gets the least noise whose cost fits its share, rounded UP
 * onto the sampler's grid, so each charged cost is <= its share and the total is <= the dataset's rho.
 * Gaussian parts cost rho = D2^2 / (2 sigma^2); Laplace parts get epsilon_i = sqrt(2 rho_i) (pure DP,
 * epsilon^2 / 2 zCDP) and scale D1 / epsilon_i.
 * Guarantee: per contributor per period, (epsilon, conversionDelta + selectionDelta)-DP, with
 * epsilon from the total rho at conversionDelta (CKS20 Cor 13); for Laplace plans also pure-composition
 * (sum of epsilons, selectionDelta)-DP.
 */
import { splitBudget } from './budget-split';
import {
  discreteGaussianForMinimumVariance,
  discreteLaplaceForMinimumScale,
  type NoiseDistribution,
} from './noise-distribution';
import {
  confidenceHalfWidth,
  discreteGaussianSigma,
  discreteLaplaceScale,
  noiseStandardDeviation,
} from './noise-statistics';
import { perCellSelectionDelta, selectionThreshold } from './partition-selection';
import { addRationals, formatRational, parseRational, rational, rationalFromNumber, rationalToNumberUp } from './rational';
import {
  approxDpEpsilon,
  approxDpEpsilonSimple,
  composeZcdp,
  gaussianMechanismRho,
  laplaceMechanismEpsilon,
  laplaceMechanismEpsilonExact,
  laplaceMechanismRho,
  minimumGaussianSigmaSquared,
  minimumLaplaceScale,
  pureDpEpsilonForRho,
} from './zcdp-accounting';

export type PrivacyMechanism = 'gaussian' | 'laplace';

/**
 * How the released keys (cells) are chosen. `public`: the key space is declared in advance (every
 * dimension enumerated), so every key gets a row whether or not anyone contributed, and no budget or
 * delta goes to selection; the k floor becomes post-processing on the noisy organization count
 * (suppression). `private`: keys come from the data, so which keys appear is decided by noisy DP
 * selection (partition-selection.ts), for a future spec with an open-ended dimension.
 */
export type KeySelection = 'public' | 'private';

export type MeasureKind = 'transfer_count' | 'distinct_organizations' | 'clamped_byte_sum' | 'organization_share';

interface MeasureSpecBase {
  /** Column name in the released data; unique within the dataset. */
  readonly name: string;
  /** Relative share of the dataset's budget (default 1; key selection has its own weight). */
  readonly budgetWeight?: number;
}

export type MeasureSpec =
  /** Sum over contributors of their event count in the cell, each capped at maxCountPerCell (Linf). */
  | (MeasureSpecBase & { readonly kind: 'transfer_count'; readonly maxCountPerCell: number })
  /** Number of distinct contributing organizations in the cell (Linf = 1). */
  | (MeasureSpecBase & { readonly kind: 'distinct_organizations' })
  /** Sum over contributors of their byte total in the cell, each clamped to [0, maxBytesPerCell] (C). */
  | (MeasureSpecBase & { readonly kind: 'clamped_byte_sum'; readonly maxBytesPerCell: number })
  /**
   * Sum over organizations of their own distribution over the categories of each group, in integer
   * grid units (organization-shares.ts): per group an organization adds exactly gridUnits, so its
   * L2 norm there is <= gridUnits; it contributes to at most maxGroupsPerContributor groups. Public
   * keys only; the release needs each key's group.
   */
  | (MeasureSpecBase & { readonly kind: 'organization_share'; readonly maxGroupsPerContributor: number; readonly gridUnits: number });

/** What a dataset declares about its privacy; everything the plan is computed from. */
export interface DatasetPrivacySpec {
  /** L0: the most cells one contributor can influence in this dataset. */
  readonly maxCellsPerContributor: number;
  /**
   * k. Private keys: cells with fewer distinct (true) contributors are never released. Public keys:
   * keys whose NOISY distinct-organization count is below k are published as suppressed.
   */
  readonly minContributorsPerCell: number;
  /** Default 'private' (the engine's original behaviour); dataset specs always state it. */
  readonly keys?: KeySelection;
  /** At most one measure of each kind (the storage row has one count and one byte total). */
  readonly measures: readonly MeasureSpec[];
  /** This dataset's share of the period budget, in zCDP rho. */
  readonly rho: number;
  /**
   * delta spent on private key selection: the probability that any cell of one contributor appears
   * because of them. Not used (0) with public keys.
   */
  readonly selectionDelta: number;
  readonly mechanism: PrivacyMechanism;
  /** Relative share of the budget for key selection (default 1, like each measure). */
  readonly selectionBudgetWeight?: number;
  /** delta at which the total rho is stated as (epsilon, delta); default 1e-6. */
  readonly conversionDelta?: number;
}

export type NoiseDescription =
  | {
      readonly distribution: 'discrete_gaussian';
      /** sigma^2 exactly, as "numerator/denominator". */
      readonly sigmaSquaredExact: string;
      /** sigma, rounded up. */
      readonly sigma: number;
    }
  | {
      readonly distribution: 'discrete_laplace';
      /** Scale t exactly (P(z) proportional to exp(-|z|/t)), as "numerator/denominator". */
      readonly scaleExact: string;
      /** t, rounded up. */
      readonly scale: number;
    };

export interface MeasurePlan {
  readonly name: string;
  readonly kind: MeasureKind;
  /** Linf (counts), C (bytes), 1 (distinct organizations) or G (shares: grid units per organization and group). */
  readonly maxPerContributorPerCell: number;
  /** Shares only: L0 of the share measure, the most groups one organization contributes to (the key L0 applies to the others). */
  readonly maxGroupsPerContributor?: number;
  /** L0 * bound (for shares: groups L0 * G). */
  readonly l1Sensitivity: number;
  /** sqrt(L0) * bound. */
  readonly l2Sensitivity: number;
  readonly noise: NoiseDescription;
  readonly noiseStandardDeviation: number;
  /** Integer h: each released value +- h is a 95% interval for the bounded true value. */
  readonly ci95HalfWidth: number;
  readonly rhoAllotted: number;
  /** zCDP cost actually incurred (<= rhoAllotted). */
  readonly rhoCharged: number;
  /** Laplace only: the pure-DP epsilon of this measure. */
  readonly pureEpsilon?: number;
}

export interface SelectionPlan {
  /** k. */
  readonly minContributorsPerCell: number;
  /** Released iff contributors >= k and contributors + noise >= threshold. */
  readonly threshold: number;
  readonly noise: NoiseDescription;
  readonly noiseStandardDeviation: number;
  /** L0: one contributor changes at most L0 cells' contributor counts, each by 1. */
  readonly l1Sensitivity: number;
  /** sqrt(L0). */
  readonly l2Sensitivity: number;
  /** The dataset's selection delta ... */
  readonly delta: number;
  /** ... and the per-cell delta' with 1 - (1 - delta')^L0 <= delta. */
  readonly perCellDelta: number;
  readonly rhoAllotted: number;
  readonly rhoCharged: number;
  readonly pureEpsilon?: number;
}

export interface ReleaseAccounting {
  readonly mechanism: PrivacyMechanism;
  /** The dataset's budget share. */
  readonly rhoBudget: number;
  /** Sum of all charged costs (<= rhoBudget): what the budget ledger records. */
  readonly rhoCharged: number;
  readonly conversionDelta: number;
  readonly selectionDelta: number;
  /** (epsilon, delta)-DP per contributor: epsilon from rhoCharged at conversionDelta (CKS20 Cor 13). */
  readonly epsilon: number;
  /** conversionDelta + selectionDelta, rounded up. */
  readonly delta: number;
  /** The same conversion by the simpler BS16 bound, for reference (>= epsilon). */
  readonly epsilonSimpleBound: number;
  /** Laplace only: sum of the parts' pure epsilons; the release is (pureEpsilon, selectionDelta)-DP. */
  readonly pureEpsilon?: number;
  /** One line for the methodology card. */
  readonly summary: string;
}

/** A spec with every default filled in. */
export type NormalizedDatasetPrivacySpec = Required<Omit<DatasetPrivacySpec, 'measures'>> & {
  readonly measures: readonly (MeasureSpec & { readonly budgetWeight: number })[];
};

/**
 * Public keys: the k floor as post-processing. A key whose noisy distinct-organization count is
 * below k is published with status `suppressed` and no values. It reads only the noisy count, so it
 * costs no privacy (post-processing of a DP output) and adds no delta.
 */
export interface SuppressionPlan {
  readonly minNoisyOrganizations: number;
  /** The measure whose noisy value is compared with k (always the distinct-organization count). */
  readonly measure: string;
  readonly reason: 'fewer_than_k_organizations';
}

export interface ReleasePlan {
  readonly planVersion: 1;
  /** The spec with defaults filled in; `releaseCells` re-derives the plan from it and checks it matches. */
  readonly spec: NormalizedDatasetPrivacySpec;
  readonly keys: KeySelection;
  readonly maxCellsPerContributor: number;
  /** Private keys only: the noisy selection. */
  readonly selection: SelectionPlan | null;
  /** Public keys only: suppression on the noisy organization count. */
  readonly suppression: SuppressionPlan | null;
  readonly measures: readonly MeasurePlan[];
  readonly accounting: ReleaseAccounting;
}

export const DEFAULT_CONVERSION_DELTA = 1e-6;

/** Computes the plan. Pure; throws RangeError naming the offending field on an invalid spec. */
export function planDatasetRelease(spec: DatasetPrivacySpec): ReleasePlan {
  const normalized = normalizeSpec(spec);
  const { maxCellsPerContributor: l0, mechanism, keys } = normalized;
  const privateKeys = keys === 'private';

  // Public keys spend nothing on selection: the whole share goes to the measures.
  const allShares = splitBudget(normalized.rho, [
    ...(privateKeys ? [normalized.selectionBudgetWeight] : []),
    ...normalized.measures.map((measure) => measure.budgetWeight),
  ]);
  const shares = privateKeys ? allShares : [0, ...allShares];

  const selectionPart = privateKeys ? calibratePart(1, l0, shares[0]!, mechanism) : null;
  let selection: SelectionPlan | null = null;
  if (selectionPart) {
    const perCellDelta = perCellSelectionDelta(normalized.selectionDelta, l0);
    selection = {
      minContributorsPerCell: normalized.minContributorsPerCell,
      threshold: selectionThreshold(selectionPart.noise, perCellDelta, normalized.minContributorsPerCell),
      noise: describeNoise(selectionPart.noise),
      noiseStandardDeviation: noiseStandardDeviation(selectionPart.noise),
      l1Sensitivity: selectionPart.l1Sensitivity,
      l2Sensitivity: Math.sqrt(l0),
      delta: normalized.selectionDelta,
      perCellDelta,
      rhoAllotted: shares[0]!,
      rhoCharged: selectionPart.rhoCharged,
      ...(selectionPart.pureEpsilon === undefined ? {} : { pureEpsilon: selectionPart.pureEpsilon }),
    };
  }
  const organizationMeasure = normalized.measures.find((measure) => measure.kind === 'distinct_organizations');
  const suppression: SuppressionPlan | null = privateKeys
    ? null
    : { minNoisyOrganizations: normalized.minContributorsPerCell, measure: organizationMeasure!.name, reason: 'fewer_than_k_organizations' };

  const measureParts = normalized.measures.map((measure, index) =>
    calibratePart(measureBound(measure), measureL0(measure, l0), shares[index + 1]!, mechanism),
  );
  const measures = normalized.measures.map((measure, index): MeasurePlan => {
    const part = measureParts[index]!;
    return {
      name: measure.name,
      kind: measure.kind,
      maxPerContributorPerCell: measureBound(measure),
      ...(measure.kind === 'organization_share' ? { maxGroupsPerContributor: measure.maxGroupsPerContributor } : {}),
      l1Sensitivity: part.l1Sensitivity,
      l2Sensitivity: Math.sqrt(measureL0(measure, l0)) * measureBound(measure),
      noise: describeNoise(part.noise),
      noiseStandardDeviation: noiseStandardDeviation(part.noise),
      ci95HalfWidth: confidenceHalfWidth(part.noise, 0.95),
      rhoAllotted: shares[index + 1]!,
      rhoCharged: part.rhoCharged,
      ...(part.pureEpsilon === undefined ? {} : { pureEpsilon: part.pureEpsilon }),
    };
  });

  const rhoCharged = composeZcdp([...(selection ? [selection.rhoCharged] : []), ...measures.map((measure) => measure.rhoCharged)]);
  if (rhoCharged > normalized.rho) throw new Error('planDatasetRelease: charged rho exceeds the budget share');
  const epsilon = approxDpEpsilon(rhoCharged, normalized.conversionDelta);
  const delta = rationalToNumberUp(
    addRationals(rationalFromNumber(normalized.conversionDelta), rationalFromNumber(normalized.selectionDelta)),
  );
  let pureEpsilon: number | undefined;
  if (mechanism === 'laplace') {
    // Basic composition of the parts' exact epsilons (selection adds only delta for fresh cells).
    let total = rational(0);
    for (const part of [...(selectionPart ? [selectionPart] : []), ...measureParts]) {
      if (part.noise.kind !== 'discrete_laplace') throw new Error('unreachable: Laplace plan with Gaussian part');
      total = addRationals(total, laplaceMechanismEpsilonExact(part.l1Sensitivity, part.noise.scale));
    }
    pureEpsilon = rationalToNumberUp(total);
  }
  const summary =
    `(${formatRoundedUp(epsilon)}, ${formatRoundedUp(delta)})-DP per contributing organization per period` +
    ` (zCDP rho = ${formatRoundedUp(rhoCharged)})` +
    (pureEpsilon === undefined
      ? ''
      : `; also (${formatRoundedUp(pureEpsilon)}, ${formatRoundedUp(normalized.selectionDelta)})-DP by pure composition`);

  return {
    planVersion: 1,
    spec: normalized,
    keys,
    maxCellsPerContributor: l0,
    selection,
    suppression,
    measures,
    accounting: {
      mechanism,
      rhoBudget: normalized.rho,
      rhoCharged,
      conversionDelta: normalized.conversionDelta,
      selectionDelta: normalized.selectionDelta,
      epsilon,
      delta,
      epsilonSimpleBound: approxDpEpsilonSimple(rhoCharged, normalized.conversionDelta),
      ...(pureEpsilon === undefined ? {} : { pureEpsilon }),
      summary,
    },
  };
}

/** The exact noise distribution a plan part describes. */
export function noiseFromDescription(description: NoiseDescription): NoiseDistribution {
  return description.distribution === 'discrete_gaussian'
    ? { kind: 'discrete_gaussian', sigmaSquared: parseRational(description.sigmaSquaredExact) }
    : { kind: 'discrete_laplace', scale: parseRational(description.scaleExact) };
}

/** The per-contributor, per-cell bound of a measure (its Linf). */
export function measureBound(measure: MeasureSpec): number {
  switch (measure.kind) {
    case 'transfer_count':
      return measure.maxCountPerCell;
    case 'clamped_byte_sum':
      return measure.maxBytesPerCell;
    case 'distinct_organizations':
      return 1;
    case 'organization_share':
      return measure.gridUnits;
  }
}

/** The number of cells (shares: groups) one contributor's values of this measure may reach. */
export function measureL0(measure: MeasureSpec, keyL0: number): number {
  return measure.kind === 'organization_share' ? measure.maxGroupsPerContributor : keyL0;
}

interface CalibratedPart {
  noise: NoiseDistribution;
  l1Sensitivity: number;
  l2SensitivitySquared: bigint;
  rhoCharged: number;
  pureEpsilon?: number;
}

/** The least noise (rounded up onto the sampler grid) whose cost fits `rhoShare`. */
function calibratePart(bound: number, l0: number, rhoShare: number, mechanism: PrivacyMechanism): CalibratedPart {
  const l1Sensitivity = l0 * bound;
  if (!Number.isSafeInteger(l1Sensitivity)) throw new RangeError('L0 * bound must stay below 2^53; lower the per-cell bound');
  const l2SensitivitySquared = BigInt(l0) * BigInt(bound) * BigInt(bound);
  if (!(rhoShare > 0)) throw new RangeError('a budget share rounded to zero; raise rho or the weight');
  if (mechanism === 'gaussian') {
    const noise = discreteGaussianForMinimumVariance(minimumGaussianSigmaSquared(l2SensitivitySquared, rhoShare));
    if (noise.kind !== 'discrete_gaussian') throw new Error('unreachable');
    const rhoCharged = gaussianMechanismRho(l2SensitivitySquared, noise.sigmaSquared);
    if (rhoCharged > rhoShare) throw new Error('calibration exceeded its share');
    return { noise, l1Sensitivity, l2SensitivitySquared, rhoCharged };
  }
  const epsilonShare = pureDpEpsilonForRho(rhoShare);
  const noise = discreteLaplaceForMinimumScale(minimumLaplaceScale(l1Sensitivity, epsilonShare));
  if (noise.kind !== 'discrete_laplace') throw new Error('unreachable');
  const rhoCharged = laplaceMechanismRho(l1Sensitivity, noise.scale);
  if (rhoCharged > rhoShare) throw new Error('calibration exceeded its share');
  return { noise, l1Sensitivity, l2SensitivitySquared, rhoCharged, pureEpsilon: laplaceMechanismEpsilon(l1Sensitivity, noise.scale) };
}

function describeNoise(noise: NoiseDistribution): NoiseDescription {
  return noise.kind === 'discrete_gaussian'
    ? { distribution: 'discrete_gaussian', sigmaSquaredExact: formatRational(noise.sigmaSquared), sigma: discreteGaussianSigma(noise) }
    : { distribution: 'discrete_laplace', scaleExact: formatRational(noise.scale), scale: discreteLaplaceScale(noise) };
}

function normalizeSpec(spec: DatasetPrivacySpec): NormalizedDatasetPrivacySpec {
  requirePositiveInteger(spec.maxCellsPerContributor, 'maxCellsPerContributor');
  requirePositiveInteger(spec.minContributorsPerCell, 'minContributorsPerCell');
  if (!(spec.rho > 0) || !Number.isFinite(spec.rho)) throw new RangeError('rho must be a positive finite number');
  const keys = spec.keys ?? 'private';
  if (keys !== 'public' && keys !== 'private') throw new RangeError('keys must be "public" or "private"');
  // Public keys select nothing privately, so they spend no selection delta whatever was passed.
  const selectionDelta = keys === 'private' ? spec.selectionDelta : 0;
  if (keys === 'private') requireProbability(selectionDelta, 'selectionDelta');
  if (keys === 'public' && !spec.measures.some((measure) => measure.kind === 'distinct_organizations')) {
    throw new RangeError('public keys need a distinct_organizations measure: suppression reads its noisy value');
  }
  const conversionDelta = spec.conversionDelta ?? DEFAULT_CONVERSION_DELTA;
  requireProbability(conversionDelta, 'conversionDelta');
  if (spec.mechanism !== 'gaussian' && spec.mechanism !== 'laplace') {
    throw new RangeError('mechanism must be "gaussian" or "laplace"');
  }
  const selectionBudgetWeight = spec.selectionBudgetWeight ?? 1;
  requirePositiveFinite(selectionBudgetWeight, 'selectionBudgetWeight');
  if (spec.measures.length === 0) throw new RangeError('measures must not be empty');
  const names = new Set<string>();
  const kinds = new Set<MeasureKind>();
  const measures = spec.measures.map((measure, index): MeasureSpec & { readonly budgetWeight: number } => {
    const field = `measures[${index}]`;
    if (typeof measure.name !== 'string' || measure.name.length === 0) throw new RangeError(`${field}.name must be a non-empty string`);
    if (names.has(measure.name)) throw new RangeError(`${field}.name "${measure.name}" is used twice`);
    names.add(measure.name);
    if (kinds.has(measure.kind)) throw new RangeError(`${field}.kind "${measure.kind}": at most one measure of each kind`);
    kinds.add(measure.kind);
    const budgetWeight = measure.budgetWeight ?? 1;
    requirePositiveFinite(budgetWeight, `${field}.budgetWeight`);
    switch (measure.kind) {
      case 'transfer_count':
        requirePositiveInteger(measure.maxCountPerCell, `${field}.maxCountPerCell`);
        return { name: measure.name, kind: measure.kind, maxCountPerCell: measure.maxCountPerCell, budgetWeight };
      case 'clamped_byte_sum':
        requirePositiveInteger(measure.maxBytesPerCell, `${field}.maxBytesPerCell`);
        return { name: measure.name, kind: measure.kind, maxBytesPerCell: measure.maxBytesPerCell, budgetWeight };
      case 'distinct_organizations':
        return { name: measure.name, kind: measure.kind, budgetWeight };
      case 'organization_share':
        if (keys !== 'public') throw new RangeError(`${field}: organization_share needs public keys (its groups are declared)`);
        requirePositiveInteger(measure.maxGroupsPerContributor, `${field}.maxGroupsPerContributor`);
        requirePositiveInteger(measure.gridUnits, `${field}.gridUnits`);
        return {
          name: measure.name,
          kind: measure.kind,
          maxGroupsPerContributor: measure.maxGroupsPerContributor,
          gridUnits: measure.gridUnits,
          budgetWeight,
        };
      default:
        throw new RangeError(`${field}.kind must be transfer_count, distinct_organizations, clamped_byte_sum or organization_share`);
    }
  });
  return {
    maxCellsPerContributor: spec.maxCellsPerContributor,
    minContributorsPerCell: spec.minContributorsPerCell,
    keys,
    measures,
    rho: spec.rho,
    selectionDelta,
    mechanism: spec.mechanism,
    selectionBudgetWeight,
    conversionDelta,
  };
}

/** Three significant digits, rounded up, so a displayed cost is never below the real one. */
function formatRoundedUp(value: number): string {
  const [mantissa, exponent] = value.toExponential(2).split('e') as [string, string];
  let shown = Number(`${mantissa}e${exponent}`);
  if (shown < value) {
    const digits = Math.round(Number(mantissa) * 100) + 1; // one unit in the last shown digit
    shown = Number(`${digits / 100}e${exponent}`);
  }
  return String(Number(shown.toPrecision(3)));
}

function requirePositiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
}

function requirePositiveFinite(value: number, name: string): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be a positive finite number`);
}

function requireProbability(value: number, name: string): void {
  if (!(value > 0 && value < 1)) throw new RangeError(`${name} must be in (0, 1)`);
}
