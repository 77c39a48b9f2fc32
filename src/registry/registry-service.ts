/**
 * Registry operations: organizations, product instances (ingest tokens) and API keys. Each change
 * is written together with its audit entry. Tokens are returned once and only their hash is kept.
 */
import { writeWithAudit } from '../audit/audit-log';
import { type ApiRole, auditActor, type Principal } from '../auth/principal';
import { constantTimeEqual, generateToken, hashToken, randomUuid } from '../auth/tokens';
import { isUniqueViolation } from '../db/constraint-errors';
import type { ApiKey, Instance, Organization } from '../db/schema';
import type { AppDeps } from '../deps';
import { AppError } from '../errors';
import {
  findApiKey,
  findApiKeyByTokenHash,
  findInstance,
  findInstanceByTokenHash,
  findOrganization,
  hasActiveAdminKey,
  insertApiKeyQuery,
  insertInstanceQuery,
  insertOrganizationQuery,
  revokeApiKeyQuery,
  revokeInstanceQuery,
} from './registry-repository';

type RegistryDeps = Pick<AppDeps, 'database' | 'clock' | 'random'>;

export interface NewOrganization {
  name: string;
  sector: string;
  sizeBand: string;
  country: string;
}

export async function createOrganization(deps: RegistryDeps, actor: Principal, input: NewOrganization): Promise<Organization> {
  const organization: Organization = {
    id: randomUuid(deps.random),
    name: input.name,
    sector: input.sector,
    size_band: input.sizeBand,
    country: input.country,
    created_at: deps.clock.now().toISOString(),
  };
  await writeWithAudit(
    deps.database,
    deps.clock,
    // The organization's name is registry data, kept out of the audit details on purpose.
    { ...auditActor(actor), action: 'organization.created', subject: `org:${organization.id}`, details: { sector: input.sector, sizeBand: input.sizeBand } },
    () => [insertOrganizationQuery(deps.database.db, organization)],
  );
  return organization;
}

export async function requireOrganization(deps: Pick<AppDeps, 'database'>, orgId: string): Promise<Organization> {
  const organization = await findOrganization(deps.database.db, orgId);
  if (!organization) throw new AppError('not-found', 'No organization with this id.');
  return organization;
}

export async function createInstance(
  deps: RegistryDeps,
  actor: Principal,
  orgId: string,
  input: { label: string },
): Promise<{ instance: Instance; token: string }> {
  await requireOrganization(deps, orgId);
  const token = generateToken(deps.random, 'ingest');
  const instance: Instance = {
    id: randomUuid(deps.random),
    org_id: orgId,
    label: input.label,
    token_hash: hashToken(token),
    created_at: deps.clock.now().toISOString(),
    revoked_at: null,
  };
  await writeWithAudit(
    deps.database,
    deps.clock,
    { ...auditActor(actor), action: 'instance.created', subject: `instance:${instance.id}`, details: { orgId } },
    () => [insertInstanceQuery(deps.database.db, instance)],
  );
  return { instance, token };
}

export async function revokeInstance(deps: RegistryDeps, actor: Principal, orgId: string, instanceId: string): Promise<Instance> {
  const instance = await findInstance(deps.database.db, orgId, instanceId);
  if (!instance) throw new AppError('not-found', 'No instance with this id in this organization.');
  if (instance.revoked_at) return instance;
  const revokedAt = deps.clock.now().toISOString();
  await writeWithAudit(
    deps.database,
    deps.clock,
    { ...auditActor(actor), action: 'instance.revoked', subject: `instance:${instanceId}`, details: { orgId } },
    () => [revokeInstanceQuery(deps.database.db, instanceId, revokedAt)],
  );
  return { ...instance, revoked_at: revokedAt };
}

export async function createApiKey(
  deps: RegistryDeps,
  actor: Principal | undefined,
  input: { role: ApiRole; label: string; token?: string },
): Promise<{ key: ApiKey; token: string }> {
  const token = input.token ?? generateToken(deps.random, input.role);
  const key: ApiKey = {
    id: randomUuid(deps.random),
    role: input.role,
    label: input.label,
    token_hash: hashToken(token),
    created_at: deps.clock.now().toISOString(),
    revoked_at: null,
  };
  const actorFields = actor ? auditActor(actor) : { actorId: null, actorRole: 'system' };
  await writeWithAudit(
    deps.database,
    deps.clock,
    { ...actorFields, action: 'api_key.created', subject: `key:${key.id}`, details: { role: input.role } },
    () => [insertApiKeyQuery(deps.database.db, key)],
  );
  return { key, token };
}

export async function revokeApiKey(deps: RegistryDeps, actor: Principal, keyId: string): Promise<ApiKey> {
  const key = await findApiKey(deps.database.db, keyId);
  if (!key) throw new AppError('not-found', 'No API key with this id.');
  if (key.revoked_at) return key;
  const revokedAt = deps.clock.now().toISOString();
  await writeWithAudit(
    deps.database,
    deps.clock,
    { ...auditActor(actor), action: 'api_key.revoked', subject: `key:${keyId}`, details: { role: key.role } },
    () => [revokeApiKeyQuery(deps.database.db, keyId, revokedAt)],
  );
  return { ...key, revoked_at: revokedAt };
}

/** If a bootstrap token is configured and no admin key exists yet, it becomes the first admin key. */
export async function ensureBootstrapAdmin(deps: RegistryDeps, token: string | undefined): Promise<boolean> {
  if (!token || (await hasActiveAdminKey(deps.database.db))) return false;
  try {
    await createApiKey(deps, undefined, { role: 'admin', label: 'bootstrap', token });
  } catch (error) {
    // Another process registered the same bootstrap token first: that is the desired end state.
    if (isUniqueViolation(error) && /token_hash/.test((error as Error).message)) return false;
    throw error;
  }
  return true;
}

/**
 * Resolves a bearer token to a principal. The row is found by the token's SHA-256 and the stored
 * hash is then compared in constant time; revoked credentials resolve to nothing.
 */
export async function authenticate(deps: Pick<AppDeps, 'database'>, token: string): Promise<Principal | undefined> {
  const tokenHash = hashToken(token);
  if (token.startsWith('tagg_ing_')) {
    const instance = await findInstanceByTokenHash(deps.database.db, tokenHash);
    if (!instance || instance.revoked_at || !constantTimeEqual(instance.token_hash, tokenHash)) return undefined;
    return { kind: 'instance', instanceId: instance.id, orgId: instance.org_id };
  }
  const key = await findApiKeyByTokenHash(deps.database.db, tokenHash);
  if (!key || key.revoked_at || !constantTimeEqual(key.token_hash, tokenHash)) return undefined;
  return { kind: 'api-key', keyId: key.id, role: key.role as ApiRole };
}
