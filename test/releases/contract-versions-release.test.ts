/**
 * A period in which some organizations still send contract version 1 and others send version 2:
 * the release counts both, in the datasets every version feeds (ai-transfer-volume) and in the
 * maturity dataset, where version 1 is the `unknown` level. Published values are noisy, so each is
 * checked against the truth within five of its own published noise standard deviations, and the
 * noise is small enough that leaving out either version's organizations would fail the check.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bundledDatasetSpecs } from '../../src/datasets/dataset-registry';
import { MATURITY_LEVEL_BY_EVIDENCE } from '../../src/datasets/vocabulary';
import { releasePeriod } from '../../src/releases/release-period';
import { registerConsentingOrg, sendBatch, testEventId, transferEvent, transferEventV2 } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { AFTER_GRACE, PERIOD, SYSTEM_ACTOR, TEST_RELEASE_CONFIG } from './release-fixtures';
import { expectNear, parseCsv } from '../support/release-csv';

/** Each side on its own clears the selection threshold of the test configuration (about 11 organizations). */
const ORGANIZATIONS_PER_VERSION = 16;
const EVENTS_PER_ORGANIZATION = 3;

describe('the maturity dataset spec', () => {
  it('derives its levels from the evidence exactly as the contract documents them (MATURITY_LEVEL_BY_EVIDENCE)', () => {
    const spec = bundledDatasetSpecs().find((candidate) => candidate.id === 'ai-artifact-integrity-maturity');
    const level = spec?.dimensions.find((dimension) => dimension.name === 'maturity_level');
    expect(level?.kind).toBe('cases');
    if (level?.kind !== 'cases') return;
    const mapping = Object.fromEntries(level.cases.map((entry) => [entry.when[0]?.in?.[0], entry.value]));
    expect(mapping).toEqual(MATURITY_LEVEL_BY_EVIDENCE);
    expect(level.cases.every((entry) => entry.when.length === 1 && entry.when[0]?.column === 'integrity_evidence')).toBe(true);
    expect(level.otherwise).toBe('unknown');
  });
});

describe.each(TEST_DIALECTS)('a period with version 1 and version 2 instances, released on %s', (dialect) => {
  let testApp: TestApp;
  beforeEach(async () => {
    testApp = await createTestApp({ dialect, config: TEST_RELEASE_CONFIG });
  });
  afterEach(() => testApp.dispose());

  it('counts both versions in the volume dataset and puts version 1 at the unknown maturity level', async () => {
    for (let index = 0; index < ORGANIZATIONS_PER_VERSION; index += 1) {
      const legacy = await registerConsentingOrg(testApp, { name: `Version 1 Org ${index}` });
      const v1Events = Array.from({ length: EVENTS_PER_ORGANIZATION }, (_, n) => transferEvent({ eventId: testEventId(n + 1) }));
      expect((await sendBatch(testApp, legacy.ingestToken, v1Events)).json).toMatchObject({ accepted: EVENTS_PER_ORGANIZATION });

      const current = await registerConsentingOrg(testApp, { name: `Version 2 Org ${index}` });
      const v2Events = Array.from({ length: EVENTS_PER_ORGANIZATION }, (_, n) => transferEventV2({ eventId: testEventId(n + 1) }));
      expect((await sendBatch(testApp, current.ingestToken, v2Events, 2)).json).toMatchObject({ accepted: EVENTS_PER_ORGANIZATION });
    }

    testApp.clock.set(AFTER_GRACE);
    const result = await releasePeriod(testApp.deps, { period: PERIOD, actor: SYSTEM_ACTOR });
    const csvOf = async (datasetId: string) => {
      const release = result.releases.find((published) => published.datasetId === datasetId);
      expect(release, datasetId).toBeDefined();
      const response = await testApp.app.request(`/v1/releases/${release!.id}/data.csv`);
      expect(response.status).toBe(200);
      return parseCsv(await response.text());
    };

    // Both versions' events are SFTP training data that crossed a boundary: one cell of the volume dataset.
    const volume = await csvOf('ai-transfer-volume');
    expectNear(volume, ORGANIZATIONS_PER_VERSION, { content_class: 'training_dataset', protocol: 'sftp', boundary: 'cross_organization' }, 'distinct_organizations', 2 * ORGANIZATIONS_PER_VERSION);

    // Version 2's checksum evidence fills the version 1 flags too: the hash-only cell holds both versions.
    const integrity = await csvOf('training-integrity-verification');
    expectNear(integrity, ORGANIZATIONS_PER_VERSION, { content_class: 'training_dataset', integrity: 'hash_only', boundary: 'cross_organization' }, 'distinct_organizations', 2 * ORGANIZATIONS_PER_VERSION);

    const maturity = await csvOf('ai-artifact-integrity-maturity');
    expectNear(maturity, ORGANIZATIONS_PER_VERSION, { artifact_class: 'dataset', boundary: 'cross_organization', maturity_level: 'l1_artifact_integrity' }, 'distinct_organizations', ORGANIZATIONS_PER_VERSION);
    expectNear(maturity, ORGANIZATIONS_PER_VERSION, { artifact_class: 'unknown', boundary: 'cross_organization', maturity_level: 'unknown' }, 'distinct_organizations', ORGANIZATIONS_PER_VERSION);
    expect(new Set(maturity.map((row) => row.measure))).toEqual(new Set(['distinct_organizations', 'organization_share']));
  }, 120_000);
});
