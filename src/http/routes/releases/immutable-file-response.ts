/**
 * Responses for release files, which never change once published: a strong ETag (the content's
 * SHA-256), a year of caching marked immutable, and 304 for a matching If-None-Match. When datasets
 * are not public the same caching applies to the caller only (private), never to shared caches.
 */
import type { Context } from 'hono';
import type { AppEnv } from '../../app-env';

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === '*') return true;
  // Weak comparison (RFC 9110 13.1.2): a W/ prefix on the client's copy still matches.
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

export function immutableFileResponse(
  c: Context<AppEnv>,
  file: { body: string | Uint8Array; contentType: string; sha256: string; fileName?: string },
): Response {
  const etag = `"${file.sha256}"`;
  const headers: Record<string, string> = {
    etag,
    'cache-control': `${c.var.deps.config.datasetsPublic ? 'public' : 'private'}, max-age=31536000, immutable`,
    'x-content-type-options': 'nosniff',
  };
  if (!c.var.deps.config.datasetsPublic) headers.vary = 'Authorization';
  if (matchesEtag(c.req.header('if-none-match'), etag)) return new Response(null, { status: 304, headers });
  headers['content-type'] = file.contentType;
  if (file.fileName) headers['content-disposition'] = `inline; filename="${file.fileName}"`;
  return new Response(c.req.method === 'HEAD' ? null : (file.body as BodyInit), { status: 200, headers });
}
