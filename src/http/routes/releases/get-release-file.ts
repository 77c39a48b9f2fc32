import { createRoute, z } from '@hono/zod-openapi';
import { readReleaseFile } from '../../../releases/release-files';
import type { App } from '../../app-env';
import { problemResponses } from '../../openapi-common';
import { researcherAccess, researcherSecurity } from '../datasets/researcher-access';
import { immutableFileResponse } from './immutable-file-response';
import { ReleaseFileParam, ReleaseIdParam } from './schema';

export function registerGetReleaseFile(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/releases/{releaseId}/{file}',
      tags: ['Releases'],
      summary: 'A file of a release: datapackage.json, its detached signature (raw or base64), data.csv, data.json, noisy-measurements.csv, data.parquet, spdx.json, provenance.intoto.jsonl',
      description:
        'Relative resource paths in datapackage.json resolve next to it, so Frictionless tools can open the package from its URL. ' +
        'datapackage.json is served in RFC 8785 canonical form: the exact bytes the Ed25519 signature covers. ' +
        'Files are immutable: strong ETag (SHA-256), cached for a year, 304 on If-None-Match.',
      security: researcherSecurity,
      middleware: [researcherAccess()] as const,
      request: { params: z.object({ releaseId: ReleaseIdParam, file: ReleaseFileParam }) },
      responses: {
        200: {
          description: 'The file.',
          content: {
            'application/json': { schema: z.unknown() },
            'text/csv': { schema: z.string() },
            'application/octet-stream': { schema: z.string().openapi({ format: 'binary' }) },
            'application/vnd.apache.parquet': { schema: z.string().openapi({ format: 'binary' }) },
            'application/spdx+json': { schema: z.unknown() },
            'application/jsonl': { schema: z.string().openapi({ description: 'provenance.intoto.jsonl: one DSSE envelope (JSON) per line.' }) },
            'text/plain': { schema: z.string() },
          },
        },
        304: { description: 'Not modified (If-None-Match matched the ETag).' },
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { releaseId, file } = c.req.valid('param');
      const content = await readReleaseFile(c.var.deps.database.db, releaseId, file);
      return immutableFileResponse(c, { ...content, fileName: file });
    },
  );
}
