/** Who is calling: an API key with a role, or a product instance's ingest token. */
export const API_ROLES = ['admin', 'privacy_officer', 'researcher'] as const;
export type ApiRole = (typeof API_ROLES)[number];

export type Principal =
  | { kind: 'api-key'; keyId: string; role: ApiRole }
  | { kind: 'instance'; instanceId: string; orgId: string };

/** How a principal is named in the audit trail: an id and a role, never a token. */
export function auditActor(principal: Principal): { actorId: string; actorRole: string } {
  return principal.kind === 'api-key'
    ? { actorId: principal.keyId, actorRole: principal.role }
    : { actorId: principal.instanceId, actorRole: 'ingest' };
}
