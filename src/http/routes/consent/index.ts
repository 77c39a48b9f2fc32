import type { App } from '../../app-env';
import { registerGetConsentHistory } from './get-consent-history';
import { registerGetConsentReceipt } from './get-consent-receipt';
import { registerGrantConsent } from './grant-consent';
import { registerRequestErasure } from './request-erasure';
import { registerRevokeConsent } from './revoke-consent';

export function registerConsentRoutes(app: App) {
  registerGrantConsent(app);
  registerRevokeConsent(app);
  registerGetConsentHistory(app);
  registerGetConsentReceipt(app);
  registerRequestErasure(app);
}
