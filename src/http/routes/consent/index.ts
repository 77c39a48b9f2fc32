import type { App } from '../../app-env';
import { registerGetConsentHistory } from './get-consent-history';
import { registerGrantConsent } from './grant-consent';
import { registerRevokeConsent } from './revoke-consent';

export function registerConsentRoutes(app: App) {
  registerGrantConsent(app);
  registerRevokeConsent(app);
  registerGetConsentHistory(app);
}
