import type { App } from '../../app-env';
import { registerListAuditEntries } from './list-audit-entries';
import { registerVerifyAuditChain } from './verify-audit-chain';

export function registerAuditRoutes(app: App) {
  registerVerifyAuditChain(app);
  registerListAuditEntries(app);
}
