import type { App } from '../../app-env';
import { allowCrossOriginReads } from '../datasets/researcher-access';
import { registerGetJwks } from './get-jwks';
import { registerGetSigningKeyPem } from './get-signing-key-pem';

export function registerWellKnownRoutes(app: App) {
  allowCrossOriginReads(app, '/.well-known/jwks.json', '/v1/signing-keys/*');
  registerGetJwks(app);
  registerGetSigningKeyPem(app);
}
