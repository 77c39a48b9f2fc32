import { describe, expect, it } from 'vitest';
import { appConfigFrom, parseEnvironment } from '../../src/config';
import { approxDpEpsilon, discreteGaussianForSigma, discreteLaplaceForScale } from '../../src/privacy';
import { datasetCatalogueOf } from '../../src/releases/dataset-catalogue';
import { organizationsForProbability, planCoalition, publicationProbability } from '../../src/reports/coalition-plan';

const config = appConfigFrom(parseEnvironment({}));
const deps = { config, datasets: undefined };

describe('publication odds from the exact noise', () => {
  // Discrete Laplace with scale 1: q = e^-1, P(Z >= m) = q^m / (1 + q): 0.2689, 0.0989, 0.0364 for m = 1, 2, 3.
  const laplace = discreteLaplaceForScale(1);

  it('needs the threshold itself for one chance in two (symmetric noise with mass at 0)', () => {
    expect(organizationsForProbability(laplace, 10, 0.5)).toBe(10);
    expect(organizationsForProbability(discreteGaussianForSigma(16), 99, 0.5)).toBe(99);
  });

  it('needs threshold - 1 + j for 95%, j the first tail index with P(Z >= j) <= 5% (hand-checked)', () => {
    expect(organizationsForProbability(laplace, 10, 0.95)).toBe(12); // j = 3
    // P(Z >= 2) = 0.0989 <= 0.1 < P(Z >= 1): 90% needs j = 2.
    expect(organizationsForProbability(laplace, 10, 0.9)).toBe(11);
    // Gaussian: j is about 1.645 sigma + 1/2: sigma 16 -> 27, sigma 8 -> 14 (a halved noise scale needs fewer).
    expect(organizationsForProbability(discreteGaussianForSigma(16), 99, 0.95)).toBe(99 - 1 + 27);
    expect(organizationsForProbability(discreteGaussianForSigma(8), 99, 0.95)).toBe(99 - 1 + 14);
  });

  it('gives the probability of publication at a count', () => {
    const q = Math.exp(-1);
    expect(publicationProbability(laplace, 10, 10)).toBeCloseTo(1 - q / (1 + q), 9); // 0.7311
    expect(publicationProbability(laplace, 10, 9)).toBeCloseTo(q / (1 + q), 9); // 0.2689
    expect(publicationProbability(laplace, 10, 12)).toBeCloseTo(1 - q ** 3 / (1 + q), 9);
    expect(publicationProbability(laplace, 10, 12)).toBeGreaterThanOrEqual(0.95);
    expect(publicationProbability(laplace, 10, 11)).toBeLessThan(0.95);
  });

  it('refuses a probability outside [1/2, 1)', () => {
    expect(() => organizationsForProbability(laplace, 10, 0.4)).toThrow(RangeError);
    expect(() => organizationsForProbability(laplace, 10, 1)).toThrow(RangeError);
  });
});

describe('planCoalition', () => {
  it('states the configuration it planned for and the per-period and yearly loss (default: quarter, rho 1 a year)', () => {
    const plan = planCoalition(deps, { organizations: 300 });
    expect(plan.input).toMatchObject({ organizations: 300, period: 'quarter', yearlyBudgetRho: 1, periodsPerYear: 4, periodBudgetRho: 0.25 });
    expect(plan.perPeriod.rho).toBeLessThanOrEqual(0.25);
    expect(plan.perPeriod.epsilon).toBeCloseTo(approxDpEpsilon(plan.perPeriod.rho, 1e-6), 12);
    // Four quarters of at most 0.25: at most the cap, whose tight conversion is about (7.77, 1e-6 + 4 selection deltas).
    expect(plan.perYear.rho).toBeLessThanOrEqual(1);
    expect(plan.perYear.epsilon).toBeLessThanOrEqual(plan.yearlyCap.epsilon);
    expect(plan.perYear.epsilon).toBeGreaterThan(7.7);
    expect(plan.yearlyCap.epsilon).toBeLessThan(8);
    // Deltas: the conversion's, plus the key-selection delta each period spends (none with public keys).
    const selectionDeltaPerPeriod = datasetCatalogueOf(deps).periodBudget.delta - 1e-6;
    expect(plan.perYear.delta).toBeCloseTo(1e-6 + 4 * selectionDeltaPerPeriod, 15);
    // The enforced cap states the same delta as the forecast: every shipped spec has public keys, so no selection delta.
    expect(selectionDeltaPerPeriod).toBe(0);
    expect(plan.yearlyCap.delta).toBe(plan.perYear.delta);
    expect(plan.assumptions.length).toBeGreaterThan(0);
  });

  it('forecasts every dataset of the catalogue with the numbers of its release plan', () => {
    const plan = planCoalition(deps, { organizations: 300 });
    const catalogue = datasetCatalogueOf(deps);
    expect(plan.datasets.map((dataset) => dataset.datasetId)).toEqual(catalogue.datasets.map((dataset) => dataset.spec.id));
    for (const forecast of plan.datasets) {
      const catalogued = catalogue.get(forecast.datasetId)!;
      const { plan: releasePlan, domains } = catalogued;
      const declaredKeys = (catalogued as { publicKeys?: readonly string[] | null }).publicKeys;
      expect(forecast.keys).toBe(declaredKeys ? declaredKeys.length : Object.values(domains).reduce((product, domain) => product * domain.length, 1));
      expect(forecast.expectedOrganizationsPerKey).toBeCloseTo((300 * Math.min(releasePlan.maxCellsPerContributor, forecast.keys)) / forecast.keys, 9);
      // Symmetric noise: half the time from the threshold itself (the selection threshold, or k with public keys).
      expect(forecast.publication.organizationsFor50Percent).toBe(releasePlan.selection?.threshold ?? catalogued.k);
      expect(forecast.publication.organizationsFor95Percent).toBeGreaterThan(forecast.publication.organizationsFor50Percent);
      // Counts in their own unit, straight from the plan; shares in percentage points (next test).
      const halfWidths = (measures: readonly { kind: string; ci95HalfWidth: number }[]) =>
        measures.filter((measure) => measure.kind !== 'organization_share').map((measure) => measure.ci95HalfWidth);
      expect(halfWidths(forecast.measures)).toEqual(halfWidths(releasePlan.measures));
      for (const measure of forecast.measures) {
        expect(measure.expectedRelativeError).toBeCloseTo(measure.ci95HalfWidth / measure.expectedValue, 12);
      }
      expect(forecast.perYear.rho).toBeCloseTo(4 * releasePlan.accounting.rhoCharged, 12);
    }
  });

  it('scales with the population: more organizations, smaller relative errors, same noise', () => {
    const small = planCoalition(deps, { organizations: 300 });
    const large = planCoalition(deps, { organizations: 1000 });
    small.datasets.forEach((dataset, index) => {
      const other = large.datasets[index]!;
      expect(other.expectedOrganizationsPerKey).toBeCloseTo((dataset.expectedOrganizationsPerKey * 1000) / 300, 9);
      expect(other.publication.organizationsFor95Percent).toBe(dataset.publication.organizationsFor95Percent);
      expect(other.publication.probabilityAtExpectedOrganizations).toBeGreaterThanOrEqual(dataset.publication.probabilityAtExpectedOrganizations);
      expect(other.measures[0]!.expectedRelativeError).toBeLessThan(dataset.measures[0]!.expectedRelativeError);
    });
  });

  it('derives the period budget from a declared period and yearly budget', () => {
    const monthly = planCoalition(deps, { organizations: 300, period: 'month', yearlyBudgetRho: 2 });
    expect(monthly.input).toMatchObject({ period: 'month', yearlyBudgetRho: 2, periodsPerYear: 12, periodBudgetSource: 'derived' });
    expect(monthly.input.periodBudgetRho).toBeLessThanOrEqual(2 / 12);
    expect(monthly.input.periodBudgetRho).toBeGreaterThan(2 / 12 - 1e-9);
    expect(monthly.perYear.rho).toBeLessThanOrEqual(2);
    // A smaller budget per period means more noise: every key needs more organizations to be published
    // reliably. (The 50% point of public keys is k whatever the noise, since the noise is symmetric.)
    const quarterly = planCoalition(deps, { organizations: 300 });
    monthly.datasets.forEach((dataset, index) => {
      const quarter = quarterly.datasets[index]!.publication;
      expect(dataset.publication.organizationsFor95Percent).toBeGreaterThan(quarter.organizationsFor95Percent);
      expect(dataset.publication.organizationsFor50Percent).toBeGreaterThanOrEqual(quarter.organizationsFor50Percent);
    });
  });

  it('states share precision in percentage points for groups of 100, 200 and the expected size, from the plan\'s share noise', () => {
    const plan = planCoalition(deps, { organizations: 300 });
    const catalogue = datasetCatalogueOf(deps);
    const shares = plan.datasets.flatMap((dataset) => dataset.measures.filter((measure) => measure.kind === 'organization_share').map((measure) => ({ dataset, measure })));
    expect(shares.length).toBeGreaterThan(0);
    for (const { dataset, measure } of shares) {
      const catalogued = catalogue.get(dataset.datasetId)!;
      const planned = catalogued.plan.measures.find((each) => each.kind === 'organization_share')!;
      const share = measure.share!;
      expect(share.shareSumNoiseSd).toBeCloseTo(planned.noiseStandardDeviation / 10_000, 12);
      expect(share.groups * share.categories).toBe(catalogued.publicKeys!.length);
      const [at100, at200, expected] = share.atGroupSize;
      // 1.96 s sqrt(max(1, C / 4)) / N, in percentage points; twice the organizations, half the width.
      expect(at100!.ci95HalfWidthPercentagePoints).toBeCloseTo((100 * 1.96 * share.shareSumNoiseSd * Math.sqrt(Math.max(1, share.categories / 4))) / 100, 9);
      expect(at200!.ci95HalfWidthPercentagePoints).toBeCloseTo(at100!.ci95HalfWidthPercentagePoints / 2, 9);
      expect(expected!.organizations).toBeCloseTo((300 * Math.min(share.maxGroupsPerOrganization, share.groups)) / share.groups, 9);
      expect(measure.ci95HalfWidth).toBe(expected!.ci95HalfWidthPercentagePoints);
    }
    // The coalition-wide gap rates: one group of every organization, a few percentage points at 300.
    const rates = shares.find(({ dataset }) => dataset.datasetId === 'ai-boundary-gap-rates')!.measure;
    expect(rates.share!.groups).toBe(1);
    expect(rates.ci95HalfWidth).toBeLessThan(5);
  });

  it('refuses a population that is not a positive integer', () => {
    expect(() => planCoalition(deps, { organizations: 0 })).toThrow(RangeError);
    expect(() => planCoalition(deps, { organizations: 2.5 })).toThrow(RangeError);
  });
});
