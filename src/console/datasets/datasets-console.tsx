/**
 * `/console/datasets`: the researchers' dataset browser. Public when DATASETS_PUBLIC is true (a
 * signed-in visitor still sees their session); otherwise it needs a researcher, privacy officer or
 * admin console session, like the API.
 */
import type { Hono, HonoRequest } from 'hono';
import type { Kysely } from 'kysely';
import type { DB } from '../../db/schema';
import type { PeriodGranularity } from '../../periods/period';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/app-env';
import { datasetCatalogueOf, requireCataloguedDataset } from '../../releases/dataset-catalogue';
import { csvResponse } from '../../http/report-response';
import type { CataloguedDataset } from '../../releases/dataset-catalogue';
import { findReleaseFile, listLatestReleases, listReleaseFilesOfDataset, listReleasesOfDataset } from '../../releases/release-repository';
import { yearlyBudgetStatement } from '../../releases/yearly-budget';
import { renderConsolePage } from '../shared/console-layout';
import { createConsoleRouter } from '../shared/console-router';
import { readConsoleSession, requireConsoleSession } from '../shared/console-session';
import { CataloguePage } from './catalogue-page';
import { DatasetPage } from './dataset-page';
import { DATASETS_CONSOLE_ROLES, DATASETS_SECTION } from './datasets-section';
import { countKeys, type ReleaseKeyCounts, releaseKeys, type TidyRow } from './release-keys';
import { buildTrend, MAX_TREND_KEYS, type ReleasedPeriod, trendChart, trendKeyChoices, trendTable } from './trend-view';
import { TrendPage, type TrendTab } from './trend-page';

const BASE = '/console/datasets';
const PERIOD_UNITS = { day: 'day', week: 'week', month: 'month', quarter: 'quarter' } as const;
const DATASET_ID = '/:datasetId{[a-z][a-z0-9-]{1,62}}';
/** The trend view and the release history read at most this many of a dataset's newest releases. */
const TREND_RELEASES = 60;
/** Keys shown when none are chosen: the most often published ones. */
const DEFAULT_TREND_KEYS = 3;

/** A dataset's newest releases (oldest first), each with its keys. */
async function releasedPeriods(db: Kysely<DB>, dataset: CataloguedDataset): Promise<ReleasedPeriod[]> {
  const files = await listReleaseFilesOfDataset(db, dataset.spec.id, 'data.json', TREND_RELEASES);
  return files.reverse().map((file) => ({
    period: file.period,
    releaseId: file.release_id,
    keys: releaseKeys(dataset, JSON.parse(file.content) as TidyRow[]),
  }));
}

const trendQueryOf = (request: HonoRequest) => ({ measure: request.query('measure'), keys: request.queries('key') });

/** The trend the query asks for; unknown keys and measures fall back to the defaults rather than failing. */
function trendOf(
  query: { measure: string | undefined; keys: readonly string[] | undefined },
  dataset: CataloguedDataset,
  released: readonly ReleasedPeriod[],
  granularity: PeriodGranularity,
) {
  const wantedMeasure = query.measure;
  const measures = dataset.spec.measures as readonly string[];
  const measure = measures.includes(wantedMeasure ?? '') ? wantedMeasure! : measures[0]!;
  const choices = trendKeyChoices(dataset, released, measure);
  const byId = new Map(choices.map((choice) => [choice.id, choice]));
  const wanted = [...new Set(query.keys ?? [])].flatMap((id) => byId.get(id) ?? []).slice(0, MAX_TREND_KEYS);
  const keys = wanted.length > 0 ? wanted : choices.slice(0, DEFAULT_TREND_KEYS);
  return { choices, trend: buildTrend(dataset, released, keys, measure, granularity) };
}

export function registerDatasetsConsole(app: Hono<AppEnv>) {
  const router = createConsoleRouter(DATASETS_SECTION);
  const signedIn = requireConsoleSession(...DATASETS_CONSOLE_ROLES);
  router.use('*', async (c, next) => {
    if (!c.var.deps.config.datasetsPublic) return signedIn(c, next);
    const session = await readConsoleSession(c);
    if (session) c.set('consoleSession', session);
    return next();
  });

  router.get('/', async (c) => {
    const { deps } = c.var;
    const catalogue = datasetCatalogueOf(deps);
    const latest = await listLatestReleases(deps.database.db);
    const latestCounts = new Map<string, ReleaseKeyCounts>();
    for (const dataset of catalogue.datasets) {
      const release = latest.get(dataset.spec.id);
      const file = release ? await findReleaseFile(deps.database.db, release.id, 'data.json') : undefined;
      if (file) latestCounts.set(dataset.spec.id, countKeys(releaseKeys(dataset, JSON.parse(file.content) as TidyRow[])));
    }
    return renderConsolePage(
      c,
      { title: 'Datasets', section: DATASETS_SECTION, current: BASE, session: c.var.consoleSession },
      <CataloguePage
        datasets={catalogue.datasets}
        latest={latest}
        latestCounts={latestCounts}
        periodBudget={catalogue.periodBudget}
        periodUnit={PERIOD_UNITS[deps.config.period]}
        yearlyBudget={yearlyBudgetStatement(deps.config, catalogue.periodBudget.selectionDelta)}
      />,
    );
  });

  router.get(`${DATASET_ID}/trend`, async (c) => {
    const { deps } = c.var;
    const { dataset } = requireCataloguedDataset(deps, c.req.param('datasetId'));
    const released = await releasedPeriods(deps.database.db, dataset);
    const { choices, trend } = trendOf(trendQueryOf(c.req), dataset, released, deps.config.period);
    const tab: TrendTab = c.req.query('view') === 'table' ? 'table' : 'chart';
    return renderConsolePage(
      c,
      {
        title: `${dataset.spec.title}: trend`,
        section: DATASETS_SECTION,
        current: BASE,
        session: c.var.consoleSession,
        charts: tab === 'chart' && trend.series.length > 0,
      },
      <TrendPage
        dataset={dataset}
        trend={trend}
        choices={choices}
        releasedPeriods={released.length}
        tab={tab}
        chart={trendChart(dataset, trend, deps.config.period)}
        periodUnit={PERIOD_UNITS[deps.config.period]}
      />,
    );
  });

  router.get(`${DATASET_ID}/trend.csv`, async (c) => {
    const { dataset } = requireCataloguedDataset(c.var.deps, c.req.param('datasetId'));
    const released = await releasedPeriods(c.var.deps.database.db, dataset);
    const { trend } = trendOf(trendQueryOf(c.req), dataset, released, c.var.deps.config.period);
    return csvResponse(c, `${dataset.spec.id}-${trend.measure}-trend`, trendTable(dataset, trend));
  });

  router.get(DATASET_ID, async (c) => {
    const { deps } = c.var;
    const { dataset } = requireCataloguedDataset(deps, c.req.param('datasetId'));
    const releases = await listReleasesOfDataset(deps.database.db, dataset.spec.id);
    const wanted = c.req.query('release');
    const shown = wanted ? releases.find((release) => release.id === wanted) : releases[0];
    if (wanted && !shown) throw new AppError('not-found', 'This dataset has no release with that id.');
    const released = await releasedPeriods(deps.database.db, dataset);
    const loaded = released.find((entry) => entry.releaseId === shown?.id);
    const file = shown && !loaded ? await findReleaseFile(deps.database.db, shown.id, 'data.json') : undefined;
    const keys = loaded?.keys ?? (file ? releaseKeys(dataset, JSON.parse(file.content) as TidyRow[]) : []);
    const historyCounts = new Map(released.map((entry) => [entry.releaseId, countKeys(entry.keys)]));
    return renderConsolePage(
      c,
      {
        title: dataset.spec.title,
        section: DATASETS_SECTION,
        current: BASE,
        session: c.var.consoleSession,
        charts: keys.some((key) => key.status === 'published'),
      },
      <DatasetPage
        dataset={dataset}
        releases={releases}
        shown={shown}
        keys={keys}
        historyCounts={historyCounts}
        periodUnit={PERIOD_UNITS[deps.config.period]}
        yearlyGuarantee={yearlyBudgetStatement(deps.config, datasetCatalogueOf(deps).periodBudget.selectionDelta).summary}
        query={c.req.query()}
      />,
    );
  });

  app.route(BASE, router);
}
