import type { App } from '../../app-env';
import { allowCrossOriginReads } from '../datasets/researcher-access';
import { registerCreateRelease } from './create-release';
import { registerGetRelease } from './get-release';
import { registerGetReleaseFile } from './get-release-file';

export function registerReleaseRoutes(app: App) {
  allowCrossOriginReads(app, '/v1/releases/*');
  registerGetRelease(app);
  registerGetReleaseFile(app);
  registerCreateRelease(app);
}
