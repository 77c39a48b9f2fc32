/** Consent records: full history, one row per grant; revocation fills in revoked_* on the grant. */
import type { Kysely } from 'kysely';
import type { Consent, DB, NewConsent } from '../db/schema';

export function insertConsentQuery(db: Kysely<DB>, consent: NewConsent) {
  return db.insertInto('consents').values(consent).compile();
}

export function listConsents(db: Kysely<DB>, orgId: string): Promise<Consent[]> {
  return db.selectFrom('consents').selectAll().where('org_id', '=', orgId).orderBy('granted_at').orderBy('id').execute();
}

/** Marks every not-yet-ended grant of the organization as revoked at `revokedAt`. */
export function revokeOpenConsentsQuery(
  db: Kysely<DB>,
  input: { orgId: string; revokedAt: string; revokedBy: string; reason: string },
) {
  return db
    .updateTable('consents')
    .set({ revoked_at: input.revokedAt, revoked_by: input.revokedBy, revoke_reason: input.reason })
    .where('org_id', '=', input.orgId)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', input.revokedAt)]))
    .compile();
}

export function findConsent(db: Kysely<DB>, orgId: string, consentId: string): Promise<Consent | undefined> {
  return db.selectFrom('consents').selectAll().where('org_id', '=', orgId).where('id', '=', consentId).executeTakeFirst();
}

/** Every consent record, for reports across organizations. */
export function listAllConsents(db: Kysely<DB>): Promise<Consent[]> {
  return db.selectFrom('consents').selectAll().orderBy('org_id').orderBy('granted_at').orderBy('id').execute();
}
