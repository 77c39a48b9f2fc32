import type { App } from '../../app-env';
import { registerCreateApiKey } from './create-api-key';
import { registerCreateInstance } from './create-instance';
import { registerCreateOrganization } from './create-organization';
import { registerListApiKeys } from './list-api-keys';
import { registerListInstances } from './list-instances';
import { registerListOrganizations } from './list-organizations';
import { registerRevokeApiKey } from './revoke-api-key';
import { registerRevokeInstance } from './revoke-instance';

export function registerAdminRoutes(app: App) {
  registerCreateOrganization(app);
  registerListOrganizations(app);
  registerCreateInstance(app);
  registerListInstances(app);
  registerRevokeInstance(app);
  registerCreateApiKey(app);
  registerListApiKeys(app);
  registerRevokeApiKey(app);
}
