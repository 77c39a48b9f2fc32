/**
 * Nothing public carries a figure derived from unreleased data outside the DP guarantee
 * (docs/privacy-model.md, "Public fields"). Two stores that differ only in how many counter rows the
 * period holds, released with the same seed and key on a clock that moves while counters are read
 * (as a real one does, slower for more rows), must publish packages, listings and keys whose
 * non-DP fields are identical: the release time, ids, audit anchor, configuration, chain. Only the
 * noisy values (and what is computed from them: the files' bytes and hashes, row and cell counts)
 * may differ. The release schedule must not depend on the counters either.
 */
import type { CompiledQuery, KyselyPlugin, PluginTransformQueryArgs, PluginTransformResultArgs, QueryResult, RootOperationNode, UnknownRow } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppDeps } from '../../src/deps';
import { releasePeriod } from '../../src/releases/release-period';
import { ADMIN_TOKEN, createTestApp, requestJson, type TestApp } from '../support/test-app';
import { TEST_DIALECTS } from '../support/test-database';
import { AFTER_GRACE, crowd, insertCounters, PERIOD, SYSTEM_ACTOR, TEST_RELEASE_CONFIG } from './release-fixtures';

/** Moves the clock by one second for every counter row a query returns: reading takes longer when there are more rows. */
function slowCounterReads(clock: TestApp['clock']): KyselyPlugin {
  return {
    transformQuery: (args: PluginTransformQueryArgs): RootOperationNode => args.node,
    transformResult: async (args: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> => {
      const rows = args.result.rows;
      // A page of counters: each row is a contributor's events and bytes in one cell.
      if (rows.length > 0 && 'contributor' in (rows[0] as object) && 'events' in (rows[0] as object)) clock.advance(rows.length * 1000);
      return args.result;
    },
  };
}

/** The descriptor without what is computed from the noisy values. */
function nonDpFields(descriptor: Record<string, any>) {
  const { resources, dataset, ...rest } = descriptor;
  const { rows: _rows, cells: _cells, ...datasetRest } = dataset;
  return {
    ...rest,
    dataset: datasetRest,
    resources: resources.map(({ bytes: _bytes, hash: _hash, ...resource }: Record<string, unknown>) => resource),
  };
}

describe.each(TEST_DIALECTS)('public fields of a release on %s', (dialect) => {
  const apps: TestApp[] = [];
  afterEach(async () => {
    await Promise.all(apps.splice(0).map((app) => app.dispose()));
  });

  /** A store whose period holds `organizations` organizations' counters, released with the shared seed and signing key. */
  async function releasedStore(organizations: number, signingKeyPkcs8?: Uint8Array) {
    const testApp = await createTestApp({ dialect, config: TEST_RELEASE_CONFIG, seed: 99 });
    apps.push(testApp);
    if (signingKeyPkcs8) testApp.deps.secrets = { ...testApp.deps.secrets, signingKeyPkcs8 };
    await insertCounters(testApp.testDatabase.database, [
      ...crowd(organizations, { events: 12, bytes: 40_000_000 }),
      ...crowd(organizations, { cell: { protocol: 'https_web', classification: 'ai_generated_code', mfa: 0 }, events: 3 }),
    ]);
    testApp.clock.set(AFTER_GRACE);
    const { database } = testApp.deps;
    // Embedded SQLite hands counter pages over as arrays, past Kysely's plugins: slow those down too.
    const readRows = database.readRows;
    const deps: AppDeps = {
      ...testApp.deps,
      database: {
        ...database,
        db: database.db.withPlugin(slowCounterReads(testApp.clock)),
        ...(readRows
          ? {
              readRows: async (query: CompiledQuery) => {
                const rows = await readRows(query);
                if (query.sql.includes('"coded_counters"')) testApp.clock.advance(rows.length * 1000);
                return rows;
              },
            }
          : {}),
      },
    };
    const result = await releasePeriod(deps, { period: PERIOD, actor: SYSTEM_ACTOR });
    return { testApp, result };
  }

  let small: Awaited<ReturnType<typeof releasedStore>>;
  let large: Awaited<ReturnType<typeof releasedStore>>;
  beforeEach(async () => {
    small = await releasedStore(20);
    large = await releasedStore(300, small.testApp.deps.secrets.signingKeyPkcs8);
    // Reading moved the two clocks by different amounts; the reads below happen at the same instant.
    for (const { testApp } of [small, large]) testApp.clock.set(new Date('2026-12-02T09:00:00.000Z'));
  });

  it('publishes identical non-DP fields whatever the volume and however long reading took', async () => {
    // The stores really differ, and reading the larger one really took longer.
    expect(Date.parse(large.result.releasedAt) - Date.parse(small.result.releasedAt)).toBeGreaterThan(500_000);
    expect(large.result.created).toBe(small.result.created);
    expect(large.result.created).toBe('2026-12-02T00:00:00.000Z');

    for (const [index, release] of small.result.releases.entries()) {
      const other = large.result.releases[index]!;
      expect(other.id).toBe(release.id);
      const [a, b] = await Promise.all(
        [small, large].map(async ({ testApp }) => (await requestJson(testApp, 'GET', `/v1/releases/${release.id}/datapackage.json`)).json),
      );
      expect(nonDpFields(b)).toEqual(nonDpFields(a));
      expect(a.created).toBe('2026-12-02T00:00:00.000Z');
      expect(Object.keys(a.chain.auditLogHead)).toEqual(['hash']);
    }
    // The noisy values do differ (otherwise the comparison above proves nothing).
    const csv = (store: typeof small) => requestJson(store.testApp, 'GET', `/v1/releases/${store.result.releases[0]!.id}/data.csv`);
    expect((await csv(large)).text).not.toBe((await csv(small)).text);

    // Listings and keys: the catalogue's latest releases, each dataset's release list, the release views, the JWKS.
    const views = await Promise.all(
      [small, large].map(async ({ testApp, result }) => {
        const catalogue = (await requestJson(testApp, 'GET', '/v1/datasets')).json;
        const lists = await Promise.all(result.releases.map((release) => requestJson(testApp, 'GET', `/v1/datasets/${release.datasetId}/releases`)));
        const releaseViews = await Promise.all(result.releases.map((release) => requestJson(testApp, 'GET', `/v1/releases/${release.id}`)));
        return {
          latest: catalogue.items.map((item: { latestRelease: { createdAt: string; id: string } }) => [item.latestRelease.id, item.latestRelease.createdAt]),
          lists: lists.map((list) => list.json.items.map((item: { createdAt: string; id: string; previousReleaseId: string | null }) => [item.id, item.createdAt, item.previousReleaseId])),
          releases: releaseViews.map(({ json }) => [json.createdAt, json.configuration, json.previous, json.signature.kid]),
          jwks: (await requestJson(testApp, 'GET', '/.well-known/jwks.json')).json,
          schedule: (await requestJson(testApp, 'GET', '/v1/releases/schedule')).json,
        };
      }),
    );
    expect(views[1]).toEqual(views[0]);
  });

  it('the schedule does not read the counters: a store with contributions to open periods answers the same', async () => {
    const before = await requestJson(large.testApp, 'GET', '/v1/releases/schedule');
    expect(before.json).toMatchObject({
      kind: 'week',
      current: { period: '2026-W49', releasableAt: '2026-12-09T00:00:00.000Z' },
      next: { period: '2026-W49', releasable: false, withinYearlyBudget: true },
      lastReleased: { period: PERIOD, created: '2026-12-02T00:00:00.000Z' },
    });
    await insertCounters(large.testApp.testDatabase.database, crowd(50, { period: '2026-W49' }));
    const after = await requestJson(large.testApp, 'GET', '/v1/releases/schedule');
    expect(after.json).toEqual(before.json);
    expect(await requestJson(small.testApp, 'GET', '/v1/releases/schedule', { token: ADMIN_TOKEN })).toMatchObject({ status: 200, json: before.json });
  });
});
