/**
 * Release files live in a text column on every dialect (SQLite, PostgreSQL, D1). Text files are
 * stored as they are; binary ones (data.parquet) as base64, told apart by their media type, so the
 * schema needs no binary column and D1 needs no blob handling.
 */
import { Buffer } from 'node:buffer';

export const PARQUET_MEDIA_TYPE = 'application/vnd.apache.parquet';

const BINARY_MEDIA_TYPES: ReadonlySet<string> = new Set([PARQUET_MEDIA_TYPE]);

export function isBinaryMediaType(mediaType: string): boolean {
  return BINARY_MEDIA_TYPES.has(mediaType);
}

/** The text stored for a file's content. */
export function storedContent(mediaType: string, content: string | Uint8Array): string {
  if (isBinaryMediaType(mediaType)) {
    if (typeof content === 'string') throw new Error(`a ${mediaType} file must be bytes`);
    return Buffer.from(content).toString('base64');
  }
  if (typeof content !== 'string') throw new Error(`a ${mediaType} file must be text`);
  return content;
}

/** The content as served, from the stored text. */
export function servedContent(mediaType: string, stored: string): string | Uint8Array {
  return isBinaryMediaType(mediaType) ? new Uint8Array(Buffer.from(stored, 'base64')) : stored;
}
