/** Organizations, product instances and API keys: plain query functions, database first. */
import type { Kysely } from 'kysely';
import type { ApiKey, DB, Instance, Organization } from '../db/schema';

export function insertOrganizationQuery(db: Kysely<DB>, organization: Organization) {
  return db.insertInto('organizations').values(organization).compile();
}

export function listOrganizations(db: Kysely<DB>): Promise<Organization[]> {
  return db.selectFrom('organizations').selectAll().orderBy('created_at').orderBy('id').execute();
}

export function findOrganization(db: Kysely<DB>, orgId: string): Promise<Organization | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', orgId).executeTakeFirst();
}

export function insertInstanceQuery(db: Kysely<DB>, instance: Instance) {
  return db.insertInto('instances').values(instance).compile();
}

export function listInstances(db: Kysely<DB>, orgId: string): Promise<Instance[]> {
  return db.selectFrom('instances').selectAll().where('org_id', '=', orgId).orderBy('created_at').orderBy('id').execute();
}

export function findInstance(db: Kysely<DB>, orgId: string, instanceId: string): Promise<Instance | undefined> {
  return db
    .selectFrom('instances')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('id', '=', instanceId)
    .executeTakeFirst();
}

export function revokeInstanceQuery(db: Kysely<DB>, instanceId: string, revokedAt: string) {
  return db
    .updateTable('instances')
    .set({ revoked_at: revokedAt })
    .where('id', '=', instanceId)
    .where('revoked_at', 'is', null)
    .compile();
}

export function findInstanceByTokenHash(db: Kysely<DB>, tokenHash: string): Promise<Instance | undefined> {
  return db.selectFrom('instances').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export function insertApiKeyQuery(db: Kysely<DB>, key: ApiKey) {
  return db.insertInto('api_keys').values(key).compile();
}

export function listApiKeys(db: Kysely<DB>): Promise<ApiKey[]> {
  return db.selectFrom('api_keys').selectAll().orderBy('created_at').orderBy('id').execute();
}

export function findApiKey(db: Kysely<DB>, keyId: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('id', '=', keyId).executeTakeFirst();
}

export function revokeApiKeyQuery(db: Kysely<DB>, keyId: string, revokedAt: string) {
  return db.updateTable('api_keys').set({ revoked_at: revokedAt }).where('id', '=', keyId).where('revoked_at', 'is', null).compile();
}

export function findApiKeyByTokenHash(db: Kysely<DB>, tokenHash: string): Promise<ApiKey | undefined> {
  return db.selectFrom('api_keys').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst();
}

export async function hasActiveAdminKey(db: Kysely<DB>): Promise<boolean> {
  const row = await db
    .selectFrom('api_keys')
    .select('id')
    .where('role', '=', 'admin')
    .where('revoked_at', 'is', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}
