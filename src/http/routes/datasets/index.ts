import type { AppDeps } from '../../../deps';
import { datasetCatalogueOf } from '../../../releases/dataset-catalogue';
import type { App } from '../../app-env';
import { registerGetDataset } from './get-dataset';
import { registerListDatasetReleases } from './list-dataset-releases';
import { registerListDatasets } from './list-datasets';
import { allowCrossOriginReads } from './researcher-access';

export function registerDatasetRoutes(app: App, deps: AppDeps) {
  // Validates every dataset spec and its privacy plan now, so a bad spec stops start-up.
  datasetCatalogueOf(deps);
  allowCrossOriginReads(app, '/v1/datasets', '/v1/datasets/*');
  registerListDatasets(app);
  registerGetDataset(app);
  registerListDatasetReleases(app);
}
