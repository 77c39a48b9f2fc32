import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appConfigFrom, ConfigError, parseEnvironment } from '../../src/config';
import { createDatasetCellMapper, dimensionDomain } from '../../src/releases/dataset-cells';
import { buildDatasetCatalogue } from '../../src/releases/dataset-catalogue';
import { loadDatasetSpecs, REGISTERED_DATASET_FILES } from '../../src/datasets/dataset-registry';
import type { DatasetSpec } from '../../src/datasets/dataset-spec';
import { BASE_CELL } from './release-fixtures';

const DATASET_FOLDER = join(import.meta.dirname, '..', '..', 'schemas', 'datasets');
const defaults = appConfigFrom(parseEnvironment({ APP_ENV: 'test' }));
const volumeFile = REGISTERED_DATASET_FILES['ai-transfer-volume.json'] as Record<string, unknown>;

/** The volume spec with a change, as the JSON a file would hold. */
function volumeWith(change: (spec: Record<string, any>) => void): Record<string, unknown> {
  const copy = structuredClone(volumeFile) as Record<string, any>;
  change(copy);
  return copy;
}

function loadError(files: Record<string, unknown>): string {
  try {
    loadDatasetSpecs(files);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the specs to be rejected');
}

describe('dataset specs', () => {
  it('every file in schemas/datasets is registered, and every registered file exists', () => {
    const onDisk = readdirSync(DATASET_FOLDER).filter((name) => name.endsWith('.json')).sort();
    expect(Object.keys(REGISTERED_DATASET_FILES).sort()).toEqual(onDisk);
  });

  it('ships the four datasets of the architecture, the CoSAI maturity dataset and the coalition-wide gap rates, valid, with budget shares adding up to at most 1', () => {
    const specs = loadDatasetSpecs();
    expect(specs.map((spec) => spec.id)).toEqual([
      'ai-transfer-volume',
      'ai-platform-access-controls',
      'training-integrity-verification',
      'ai-boundary-gaps-by-sector',
      'ai-artifact-integrity-maturity',
      'ai-boundary-gap-rates',
    ]);
    expect(specs.reduce((sum, spec) => sum + spec.budgetShare, 0)).toBeLessThanOrEqual(1 + 1e-9);
  });

  it('plans every shipped dataset under the default configuration within the period budget', () => {
    // Defaults: quarters and a yearly rho of 1, so a quarter may spend 1/4.
    expect(defaults).toMatchObject({ period: 'quarter', yearlyBudgetRho: 1, periodBudgetRho: 0.25, periodBudgetSource: 'derived' });
    const catalogue = buildDatasetCatalogue(loadDatasetSpecs(), defaults);
    expect(catalogue.periodBudget.rhoCharged).toBeLessThanOrEqual(0.25);
    expect(catalogue.periodBudget.rhoCharged * 4).toBeLessThanOrEqual(1);
    expect(catalogue.periodBudget.epsilon).toBeGreaterThan(3);
    expect(catalogue.periodBudget.epsilon).toBeLessThan(4);
    // Every shipped spec has public keys: no selection, so no selection delta is spent.
    expect(catalogue.periodBudget.selectionDelta).toBe(0);
    expect(catalogue.periodBudget.delta).toBe(1e-6);
    for (const dataset of catalogue.datasets) {
      expect(dataset.k).toBe(10);
      expect(dataset.spec.keys).toBe('public');
      expect(dataset.selectionDelta).toBe(0);
      expect(dataset.plan.selection).toBeNull();
      expect(dataset.plan.suppression).toEqual({ minNoisyOrganizations: 10, measure: 'distinct_organizations', reason: 'fewer_than_k_organizations' });
      expect(dataset.publicKeys!.length).toBeGreaterThan(0);
      expect(dataset.plan.accounting.rhoCharged).toBeLessThanOrEqual(dataset.rho);
    }
  });

  it('public keys: the key space is the cross product of the domains minus excludedKeys, and a typo in an excluded value stops the catalogue', () => {
    const volume = volumeWith((spec) => (spec.excludedKeys = [{ protocol: 'email_link', boundary: 'within_organization' }, { content_class: 'model_artifact' }]));
    const [spec] = loadDatasetSpecs({ 'ai-transfer-volume.json': volume });
    const catalogue = buildDatasetCatalogue([spec!], defaults);
    const keys = catalogue.datasets[0]!.publicKeys!;
    // 100 keys, minus 5 (email_link within an organization, one per class) and minus the 20 model_artifact keys (1 already counted).
    expect(keys.length).toBe(100 - 5 - 20 + 1);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys.some((key) => key.includes('model_artifact'))).toBe(false);
    expect(keys.some((key) => key.includes('email_link') && key.includes('within_organization'))).toBe(false);
    expect(keys.some((key) => key.includes('email_link') && key.includes('cross_organization'))).toBe(true);
    const typo = loadDatasetSpecs({ 'ai-transfer-volume.json': volumeWith((each) => (each.excludedKeys = [{ protocol: 'e-mail' }])) });
    expect(() => buildDatasetCatalogue(typo, defaults)).toThrow(/"e-mail" is not a value of dimension protocol/);
  });

  it('rejects a bad spec with the file and the path of each mistake', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [volumeWith((spec) => (spec.dimensions[0].column = 'classificaton')), /ai-transfer-volume\.json: dimensions\.0\.column: unknown counter column "classificaton"/],
      [volumeWith((spec) => (spec.filters[0].in = ['ai_generated_documents'])), /filters\.0\.in\.0: "ai_generated_documents" is not a value of classification/],
      [volumeWith((spec) => delete spec.dimensions[2].labels), /dimensions\.2\.labels: 0\/1 column cross_org needs a label for 0 and for 1/],
      [volumeWith((spec) => (spec.dimensions[1].name = 'value')), /dimensions\.1\.name: "value" is reserved/],
      [volumeWith((spec) => (spec.dimensions[1].name = 'content_class')), /duplicate dimension "content_class"/],
      [volumeWith((spec) => (spec.bounds.maxCellsPerOrganization = 0)), /bounds\.maxCellsPerOrganization/],
      [volumeWith((spec) => (spec.bounds.maxBytesPerCell = 1_500_000_001)), /bounds\.maxBytesPerCell: must be a whole number of MB/],
      [volumeWith((spec) => (spec.measures = ['transfer_count', 'transfer_count'])), /measures: measures must be distinct/],
      [volumeWith((spec) => (spec.surprise = true)), /Unrecognized key/],
      [volumeWith((spec) => (spec.dimensions[0] = { ...spec.dimensions[0], kind: 'flags', flags: [{ value: 'x', column: 'protocol' }], none: null })), /protocol is not a 0\/1 column/],
      [volumeWith((spec) => delete spec.keys), /keys: /],
      [volumeWith((spec) => (spec.measures = ['transfer_count'])), /measures: a public-keys spec needs distinct_organizations/],
      [volumeWith((spec) => (spec.budgetWeights = { shares: 2 })), /budgetWeights/],
      [volumeWith((spec) => ((spec.measures = ['distinct_organizations']), (spec.budgetWeights = { transfer_count: 2 }))), /budgetWeights\.transfer_count: "transfer_count" is not a measure of this spec/],
      [volumeWith((spec) => (spec.excludedKeys = [{ colour: 'red' }])), /excludedKeys\.0\.colour: "colour" is not a dimension/],
      [volumeWith((spec) => ((spec.keys = 'private'), (spec.excludedKeys = [{ protocol: 'ftp' }]))), /excludedKeys: only a public-keys spec/],
      [volumeWith((spec) => spec.measures.push('organization_share')), /shares: the organization_share measure needs "shares"/],
      [volumeWith((spec) => (spec.shares = { over: 'protocol', maxGroupsPerOrganization: 2 })), /shares: declared without the organization_share measure/],
      [
        volumeWith((spec) => (spec.measures.push('organization_share'), (spec.shares = { over: 'colour', maxGroupsPerOrganization: 2 }))),
        /shares\.over: "colour" is not a dimension of this spec/,
      ],
      [volumeWith((spec) => (spec.measures.push('organization_share'), (spec.shares = { over: 'protocol', maxGroupsPerOrganization: 0 }))), /shares\.maxGroupsPerOrganization/],
      [
        volumeWith((spec) => (spec.measures.push('organization_share'), (spec.keys = 'private'), (spec.shares = { over: 'protocol', maxGroupsPerOrganization: 2 }))),
        /shares: shares need public keys/,
      ],
    ];
    for (const [content, message] of cases) {
      expect(loadError({ 'ai-transfer-volume.json': content })).toMatch(message);
    }
    expect(loadError({ 'volume.json': volumeFile })).toMatch(/schemas\/datasets\/volume\.json: the file must be named ai-transfer-volume\.json/);
    const twice = { ...volumeWith((spec) => (spec.budgetShare = 0.6)) };
    expect(loadError({ 'ai-transfer-volume.json': twice, 'other.json': { ...twice, id: 'other' } })).toMatch(/budgetShare values add up to 1\.2/);
  });

  it('shares: a key\'s group is the key without the share dimension; the plan bounds the share measure by its own L0', () => {
    const [spec] = loadDatasetSpecs({
      'ai-transfer-volume.json': volumeWith((each) => (each.measures.push('organization_share'), (each.shares = { over: 'protocol', maxGroupsPerOrganization: 3 }))),
    });
    const dataset = buildDatasetCatalogue([spec!], defaults).datasets[0]!;
    const groups = dataset.shareGroups!;
    expect(groups.size).toBe(100);
    expect(new Set(groups.values()).size).toBe(10); // 5 content classes x 2 boundaries
    for (const [key, group] of groups) {
      const [contentClass, , boundary] = key.split('\u001f');
      expect(group).toBe(`${contentClass}\u001f${boundary}`);
    }
    const share = dataset.plan.measures.find((measure) => measure.kind === 'organization_share')!;
    expect(share).toMatchObject({ maxPerContributorPerCell: 10_000, maxGroupsPerContributor: 3, l1Sensitivity: 30_000 });
    expect(share.l2Sensitivity).toBeCloseTo(Math.sqrt(3) * 10_000, 6);
  });

  it('a spec whose bounds admit no privacy plan stops the catalogue (and so the service) with a clear message', () => {
    const [spec] = loadDatasetSpecs({ 'ai-transfer-volume.json': volumeWith((s) => ((s.byteUnit = 'B'), (s.bounds.maxBytesPerCell = 2 ** 50))) });
    expect(() => buildDatasetCatalogue([spec!], defaults)).toThrow(/dataset ai-transfer-volume: no privacy plan: L0 \* bound must stay below 2\^53/);
  });

  describe('cells', () => {
    const specs = new Map(loadDatasetSpecs().map((spec) => [spec.id, spec]));
    const spec = (id: string) => specs.get(id) as DatasetSpec;

    it('column dimensions use labels and filters narrow the domain', () => {
      const volume = spec('ai-transfer-volume');
      const mapper = createDatasetCellMapper(volume);
      expect(mapper.dimensionColumns).toEqual(['classification', 'protocol', 'cross_org']);
      expect(mapper.cellsOf(BASE_CELL).map(mapper.decodeCell)).toEqual([['training_dataset', 'sftp', 'cross_organization']]);
      expect(mapper.matches(BASE_CELL)).toBe(true);
      expect(mapper.matches({ ...BASE_CELL, classification: 'non_ai' })).toBe(false);
      expect(dimensionDomain(volume, volume.dimensions[0]!)).toEqual(['ai_generated_document', 'ai_generated_code', 'training_dataset', 'model_artifact', 'inference_output']);
    });

    it('a flag-set dimension yields one cell per set flag, or "none"', () => {
      const controls = spec('ai-platform-access-controls');
      const mapper = createDatasetCellMapper(controls);
      const cells = mapper.cellsOf({ ...BASE_CELL, mfa: 1, sso: 1, dlp_scan: 1 });
      expect(cells.map(mapper.decodeCell)).toEqual([
        ['openai', 'mfa'],
        ['openai', 'sso'],
        ['openai', 'dlp_scan'],
      ]);
      expect(mapper.cellsOf({ ...BASE_CELL, mfa: 0 }).map(mapper.decodeCell)).toEqual([['openai', 'none']]);
      expect(mapper.matches({ ...BASE_CELL, ai_platform: 'none' })).toBe(false);
      // Equal cells share one string, so a million rows do not hold a million copies of a key.
      expect(mapper.cellsOf({ ...BASE_CELL, mfa: 0 })[0]).toBe(mapper.cellsOf({ ...BASE_CELL, mfa: 0, region: 'AS' })[0]);
    });

    it('a cases dimension takes the first matching case, else its "otherwise" value', () => {
      const gaps = spec('ai-boundary-gaps-by-sector');
      const mapper = createDatasetCellMapper(gaps);
      const gapOf = (cell: Partial<typeof BASE_CELL>) => mapper.cellsOf({ ...BASE_CELL, ...cell }).map(mapper.decodeCell)[0]?.[1];
      expect(gapOf({ mfa: 0, hash_verified: 0, signature_verified: 0 })).toBe('no_mfa_no_integrity');
      expect(gapOf({ mfa: 0, hash_verified: 1 })).toBe('no_mfa');
      expect(gapOf({ mfa: 1, hash_verified: 0, signature_verified: 0 })).toBe('no_integrity');
      expect(gapOf({ mfa: 1, hash_verified: 0, signature_verified: 1 })).toBe('protected');
      expect(mapper.matches({ ...BASE_CELL, cross_org: 0 })).toBe(false);

      const integrity = createDatasetCellMapper(spec('training-integrity-verification'));
      const levelOf = (cell: Partial<typeof BASE_CELL>) => integrity.decodeCell(integrity.cellsOf({ ...BASE_CELL, ...cell })[0]!)[1];
      expect(levelOf({ hash_verified: 1, signature_verified: 1 })).toBe('hash_and_signature');
      expect(levelOf({ hash_verified: 0, signature_verified: 1 })).toBe('signature_only');
      expect(levelOf({ hash_verified: 1, signature_verified: 0 })).toBe('hash_only');
      expect(levelOf({ hash_verified: 0, signature_verified: 0 })).toBe('none');
    });
  });
});
