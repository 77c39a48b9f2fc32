import type { App } from '../../app-env';
import { allowCrossOriginReads } from '../datasets/researcher-access';
import { registerCreateRelease } from './create-release';
import { registerGetRelease } from './get-release';
import { registerGetReleaseFile } from './get-release-file';
import { registerGetReleaseSchedule } from './get-release-schedule';
import { registerGetReleaseSpdx } from './get-release-spdx';

export function registerReleaseRoutes(app: App) {
  allowCrossOriginReads(app, '/v1/releases/*');
  // Before /v1/releases/{releaseId}: its path would otherwise be read as a release id.
  registerGetReleaseSchedule(app);
  registerGetRelease(app);
  // Before the generic file route, so the OpenAPI document describes the SPDX response.
  registerGetReleaseSpdx(app);
  registerGetReleaseFile(app);
  registerCreateRelease(app);
}
