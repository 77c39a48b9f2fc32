/**
 * The privacy engine: a pure module (numbers and an injected random source in, numbers out; no
 * database, no HTTP, no clock, no global randomness). Design notes and measured performance are in
 * docs/privacy-engine.md; formulas and paper references sit beside the code that uses them.
 *
 * ## Using it from the release job
 *
 * ```ts
 * import { createCryptoRandomSource, planDatasetRelease, releaseCells } from '../privacy';
 *
 * // 1. When the dataset is declared (no data needed): the plan. Show it in the catalogue and the
 * //    methodology card, and store it with the release. It is plain JSON.
 * const plan = planDatasetRelease({
 *   maxCellsPerContributor: 10,        // L0
 *   minContributorsPerCell: 10,        // k
 *   measures: [
 *     { name: 'transfers', kind: 'transfer_count', maxCountPerCell: 100 },         // Linf
 *     { name: 'organizations', kind: 'distinct_organizations' },                     // Linf = 1
 *     { name: 'bytes', kind: 'clamped_byte_sum', maxBytesPerCell: 10_000_000_000 },  // C
 *   ],
 *   rho: 0.025,                        // this dataset's share of the period budget (zCDP)
 *   selectionDelta: 1e-6,              // for private key selection
 *   mechanism: 'gaussian',             // or 'laplace'
 * });
 *
 * // 2. At release time: rows are exactly what storage holds for the period.
 * const { cells, accounting } = releaseCells(rows, plan, deps.random);
 * // charge accounting.rhoCharged to the period's budget ledger; publish cells.
 * ```
 *
 * To split a period budget across datasets first: `splitBudget(periodRho, weights)` (shares never sum
 * above the cap, even when the ledger adds them in floating point).
 *
 * ## Plan shape (`ReleasePlan`, JSON-serialisable)
 * - `spec`: the input with defaults filled in (`selectionBudgetWeight` 1, `budgetWeight` 1 per measure,
 *   `conversionDelta` 1e-6).
 * - `selection`: `{ minContributorsPerCell, threshold, noise, noiseStandardDeviation, l1Sensitivity,
 *   l2Sensitivity, delta, perCellDelta, rhoAllotted, rhoCharged, pureEpsilon? }` — a cell is released
 *   iff it has >= k contributors (counted after L0 bounding) and contributors + noise >= threshold.
 * - `measures[]`: `{ name, kind, maxPerContributorPerCell, l1Sensitivity, l2Sensitivity, noise,
 *   noiseStandardDeviation, ci95HalfWidth, rhoAllotted, rhoCharged, pureEpsilon? }`.
 * - `noise`: `{ distribution: 'discrete_gaussian', sigmaSquaredExact: "n/d", sigma }` or
 *   `{ distribution: 'discrete_laplace', scaleExact: "n/d", scale }` (display numbers rounded up).
 * - `accounting`: `{ mechanism, rhoBudget, rhoCharged, conversionDelta, selectionDelta, epsilon, delta,
 *   epsilonSimpleBound, pureEpsilon?, summary }`: the release is (epsilon, delta)-DP per contributing
 *   organization, delta = conversionDelta + selectionDelta.
 *
 * ## Public keys (every shipped spec)
 * Pass `keys: 'public'` in the spec (no selection part, no selection delta; a distinct_organizations
 * measure is required) and the declared key space at release time:
 * `releaseCells(rows, plan, random, { publicKeys })`. Every declared key comes back, noised, with
 * `status` 'published' or 'suppressed' (noisy organization count < k); `postProcessCell` turns a key's
 * noisy values into published ones (integers >= 0, transfers >= organizations). Both read only noisy
 * output (post-processing), see docs/privacy-engine.md.
 *
 * ## Per-organization shares
 * A measure `{ name, kind: 'organization_share', maxGroupsPerContributor, gridUnits }` (public keys only)
 * needs each declared key's group at release time: `releaseCells(rows, plan, random, { publicKeys,
 * shareGroups })`. Each key gets a noisy share-sum (grid units) and a `shareStatus` (its group's);
 * `postProcessShares(cells, share, shareGroups)` gives the published shares (summing to 1 per group)
 * with their Fieller intervals. See organization-shares.ts and docs/privacy-engine.md.
 *
 * ## Release shape (`CellRelease`)
 * `{ cells: [{ cell, status, suppressionReason?, values: { [measureName]: { value, noiseStandardDeviation,
 *   ci95Low, ci95High } } }], accounting }` — values are the unprocessed noisy measurements: safe integers (noise is exact integer noise; no clamping at 0), cells are
 * sorted by key, and the interval covers the bounded (capped/clamped) value with probability >= 95%.
 * For many releases with the same plan, `prepareRelease(plan)` once and pass its result instead.
 */

export type { RandomSource } from './random-source';
export { createCryptoRandomSource, createSeededRandomSource, type CryptoRandomSourceOptions } from './random-source';
export { RandomBitStream } from './random-bit-stream';

export {
  addRationals,
  compareRationals,
  formatRational,
  parseRational,
  rational,
  rationalFromNumber,
  rationalToNumberDown,
  rationalToNumberUp,
  type Rational,
} from './rational';

export { sampleBernoulli, sampleBernoulliExp } from './bernoulli';
export { createDiscreteLaplaceSampler, type IntegerSampler } from './discrete-laplace';
export { createDiscreteGaussianSampler } from './discrete-gaussian';
export {
  createNoiseSampler,
  noiseSamplerFactory,
  discreteGaussianForMinimumVariance,
  discreteGaussianForSigma,
  discreteLaplaceForMinimumScale,
  discreteLaplaceForScale,
  type NoiseDistribution,
} from './noise-distribution';
export { confidenceHalfWidth, noiseStandardDeviation, smallestTailIndexWithin, upperTailBound } from './noise-statistics';
export {
  createAdditiveNoiseMechanism,
  prepareNoise,
  type AdditiveNoiseMechanism,
  type NoisyValue,
  type PreparedNoise,
} from './additive-noise-mechanism';

export {
  approxDpDelta,
  approxDpEpsilon,
  approxDpEpsilonSimple,
  composeZcdp,
  gaussianMechanismRho,
  laplaceMechanismEpsilon,
  laplaceMechanismRho,
  minimumGaussianSigmaSquared,
  minimumLaplaceScale,
  pureDpEpsilonForRho,
  pureDpToZcdp,
} from './zcdp-accounting';
export { splitBudget } from './budget-split';

export {
  boundContributions,
  totalBoundedContributionsByCell,
  type BoundedContributions,
  type CellTotals,
  type ContributionBounds,
  type ContributionRow,
} from './contribution-bounding';
export { isCellSelected, perCellSelectionDelta, selectionThreshold } from './partition-selection';

export {
  DEFAULT_CONVERSION_DELTA,
  measureL0,
  noiseFromDescription,
  planDatasetRelease,
  type DatasetPrivacySpec,
  type MeasureKind,
  type MeasurePlan,
  type MeasureSpec,
  type NoiseDescription,
  type PrivacyMechanism,
  type ReleaseAccounting,
  type KeySelection,
  type ReleasePlan,
  type SelectionPlan,
  type SuppressionPlan,
} from './release-plan';
export {
  prepareRelease,
  releaseCells,
  type CellRelease,
  type CellStatus,
  type PreparedRelease,
  type ReleaseCellsOptions,
  type ReleasedCell,
  type SuppressionReason,
} from './release-cells';
export {
  fiellerHull,
  postProcessCell,
  postProcessShares,
  SHARE_DECIMALS,
  shareIntervalMultiplier,
  type MeasureIdentity,
  type ProcessedShare,
  type ProcessedValue,
  type ShareMeasureIdentity,
} from './post-processing';
export { apportionShares, shareSumsByKey, type ShareBounds } from './organization-shares';
