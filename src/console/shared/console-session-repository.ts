/** Console sessions: only the SHA-256 of the session id is stored, so a database copy cannot be used to sign in. */
import type { Kysely, Selectable } from 'kysely';
import type { ConsoleSessionsTable, DB } from '../../db/schema';

export type ConsoleSessionRow = Selectable<ConsoleSessionsTable>;

export function insertConsoleSession(db: Kysely<DB>, row: ConsoleSessionRow) {
  return db.insertInto('console_sessions').values(row).execute();
}

/** The session and whether its API key is still valid: revoking a key ends its console sessions too. */
export function findLiveConsoleSession(db: Kysely<DB>, idHash: string, nowIso: string) {
  return db
    .selectFrom('console_sessions as s')
    .innerJoin('api_keys as k', 'k.id', 's.key_id')
    .select(['s.id_hash', 's.key_id', 's.role', 's.csrf_token', 's.created_at', 's.expires_at'])
    .where('s.id_hash', '=', idHash)
    .where('s.expires_at', '>', nowIso)
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
}

export function deleteConsoleSession(db: Kysely<DB>, idHash: string) {
  return db.deleteFrom('console_sessions').where('id_hash', '=', idHash).execute();
}

export function deleteExpiredConsoleSessions(db: Kysely<DB>, nowIso: string) {
  return db.deleteFrom('console_sessions').where('expires_at', '<=', nowIso).execute();
}
