import { createRoute, z } from '@hono/zod-openapi';
import { AppError } from '../../../errors';
import { publicJwkToPem } from '../../../releases/release-signing';
import { listPublishedSigningKeys } from '../../../releases/signing-keys';
import type { App } from '../../app-env';
import { problemResponses } from '../../openapi-common';

export function registerGetSigningKeyPem(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/v1/signing-keys/{file}',
      tags: ['Releases'],
      summary: 'A release signing key as PEM (SubjectPublicKeyInfo), for `openssl pkeyutl -verify -pubin`',
      request: {
        params: z.object({
          file: z
            .string()
            .regex(/^[A-Za-z0-9_-]{43}\.pem$/, 'must be <kid>.pem')
            .openapi({ param: { name: 'file', in: 'path' }, description: '<kid>.pem, kid as in /.well-known/jwks.json' }),
        }),
      },
      responses: {
        200: { description: 'The PEM.', content: { 'application/x-pem-file': { schema: z.string() } } },
        ...problemResponses('invalid-request', 'not-found'),
      },
    }),
    async (c) => {
      const kid = c.req.valid('param').file.slice(0, -'.pem'.length);
      const key = (await listPublishedSigningKeys(c.var.deps)).find((candidate) => candidate.kid === kid);
      if (!key) throw new AppError('not-found', 'No signing key with this kid; /.well-known/jwks.json lists them.');
      return c.body(publicJwkToPem(key), 200, { 'content-type': 'application/x-pem-file', 'cache-control': 'public, max-age=31536000, immutable' });
    },
  );
}
