/**
 * The SQLite file holds organization names and token hashes, and secrets.json the keys: only the
 * service's own user may read them, whatever the umask. A data directory the service creates is
 * 0700; the database file is created 0600 before SQLite opens it, and SQLite gives its -wal and
 * -shm files the main file's permissions. Files left by an older version are tightened to 0600.
 * A directory the operator made is left as it is (it may be shared, e.g. the working directory).
 */
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Creates the directory 0700 when missing (with any missing parents, which get the same mode). */
export function ensurePrivateDirectory(path: string): void {
  if (existsSync(path)) return;
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  // mkdir's mode is filtered by the umask; chmod is not.
  chmodSync(path, PRIVATE_DIRECTORY_MODE);
}

/** Prepares a SQLite database path: private directory, and the file and its companions 0600. */
export function prepareSqliteFile(path: string): void {
  if (path === ':memory:') return;
  ensurePrivateDirectory(dirname(path));
  closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
  for (const file of [path, `${path}-wal`, `${path}-shm`, `${path}-journal`]) {
    if (existsSync(file)) chmodSync(file, PRIVATE_FILE_MODE);
  }
}
