/**
 * The files a release serves. data.csv, data.json and data.parquet are stored rows (the Parquet
 * bytes as base64, see stored-file-content.ts); datapackage.json is the
 * stored canonical descriptor; the signature is served raw (64 bytes, for openssl -sigfile) and as
 * base64 text. Every file is addressed by the SHA-256 of its bytes (the ETag).
 */
import { Buffer } from 'node:buffer';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema';
import { AppError } from '../errors';
import { DATAPACKAGE_PATH } from './data-package';
import { findRelease, findReleaseFile, type ReleaseRow } from './release-repository';
import { sha256Hex } from './release-signing';
import { servedContent } from './stored-file-content';

export interface ReleaseFileContent {
  body: string | Uint8Array;
  contentType: string;
  sha256: string;
}

export async function requireRelease(db: Kysely<DB>, releaseId: string): Promise<ReleaseRow> {
  const release = await findRelease(db, releaseId);
  if (!release) throw new AppError('not-found', 'No release with this id.');
  return release;
}

const CONTENT_TYPES: Record<string, string> = {
  'text/csv': 'text/csv; charset=utf-8; header=present',
  'application/json': 'application/json; charset=utf-8',
  'application/spdx+json': 'application/spdx+json; charset=utf-8',
  'application/jsonl': 'application/jsonl; charset=utf-8',
};

export async function readReleaseFile(db: Kysely<DB>, releaseId: string, name: string): Promise<ReleaseFileContent> {
  const release = await requireRelease(db, releaseId);
  switch (name) {
    case DATAPACKAGE_PATH:
      return { body: release.datapackage, contentType: 'application/json; charset=utf-8', sha256: release.package_sha256 };
    case `${DATAPACKAGE_PATH}.sig`: {
      const raw = new Uint8Array(Buffer.from(release.signature, 'base64'));
      return { body: raw, contentType: 'application/octet-stream', sha256: await sha256Hex(raw) };
    }
    case `${DATAPACKAGE_PATH}.sig.b64`:
      return { body: `${release.signature}\n`, contentType: 'text/plain; charset=utf-8', sha256: await sha256Hex(`${release.signature}\n`) };
    default: {
      const file = await findReleaseFile(db, releaseId, name);
      if (!file) throw new AppError('not-found', 'This release has no file with that name; its datapackage.json lists the files.');
      return { body: servedContent(file.media_type, file.content), contentType: CONTENT_TYPES[file.media_type] ?? file.media_type, sha256: file.sha256 };
    }
  }
}
