/**
 * `/console/datasets`: the researchers' dataset browser. Public when DATASETS_PUBLIC is true (a
 * signed-in visitor still sees their session); otherwise it needs a researcher, privacy officer or
 * admin console session, like the API.
 */
import type { Hono } from 'hono';
import { AppError } from '../../errors';
import type { AppEnv } from '../../http/app-env';
import { datasetCatalogueOf, requireCataloguedDataset } from '../../releases/dataset-catalogue';
import { findReleaseFile, listLatestReleases, listReleasesOfDataset } from '../../releases/release-repository';
import { yearlyBudgetStatement } from '../../releases/yearly-budget';
import { renderConsolePage } from '../shared/console-layout';
import { createConsoleRouter } from '../shared/console-router';
import { readConsoleSession, requireConsoleSession } from '../shared/console-session';
import { CataloguePage } from './catalogue-page';
import { DatasetPage } from './dataset-page';
import { publishedCells } from './dataset-release-view';
import { DATASETS_CONSOLE_ROLES, DATASETS_SECTION } from './datasets-section';

const BASE = '/console/datasets';
const PERIOD_UNITS = { day: 'day', week: 'week', month: 'month', quarter: 'quarter' } as const;

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
    return renderConsolePage(
      c,
      { title: 'Datasets', section: DATASETS_SECTION, current: BASE, session: c.var.consoleSession },
      <CataloguePage
        datasets={catalogue.datasets}
        latest={latest}
        periodBudget={catalogue.periodBudget}
        periodUnit={PERIOD_UNITS[deps.config.period]}
        yearlyBudget={yearlyBudgetStatement(deps.config, catalogue.periodBudget.selectionDelta)}
      />,
    );
  });

  router.get('/:datasetId{[a-z][a-z0-9-]{1,62}}', async (c) => {
    const { deps } = c.var;
    const { dataset } = requireCataloguedDataset(deps, c.req.param('datasetId'));
    const releases = await listReleasesOfDataset(deps.database.db, dataset.spec.id);
    const wanted = c.req.query('release');
    const shown = wanted ? releases.find((release) => release.id === wanted) : releases[0];
    if (wanted && !shown) throw new AppError('not-found', 'This dataset has no release with that id.');
    const file = shown ? await findReleaseFile(deps.database.db, shown.id, 'data.json') : undefined;
    const cells = file ? publishedCells(dataset, JSON.parse(file.content) as Record<string, string | number>[]) : [];
    return renderConsolePage(
      c,
      { title: dataset.spec.title, section: DATASETS_SECTION, current: BASE, session: c.var.consoleSession, charts: cells.length > 0 },
      <DatasetPage dataset={dataset} releases={releases} shown={shown} cells={cells} />,
    );
  });

  app.route(BASE, router);
}
