import { createRoute, z } from '@hono/zod-openapi';
import { listPublishedSigningKeys } from '../../../releases/signing-keys';
import type { App } from '../../app-env';
import { jsonContent } from '../../openapi-common';

const JwkSchema = z
  .object({
    kty: z.literal('OKP'),
    crv: z.literal('Ed25519'),
    x: z.string(),
    kid: z.string().openapi({ description: 'RFC 7638 JWK thumbprint (SHA-256, base64url).' }),
    alg: z.literal('EdDSA'),
    use: z.literal('sig'),
  })
  .openapi('ReleaseSigningJwk');

export function registerGetJwks(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/.well-known/jwks.json',
      tags: ['Releases'],
      summary: 'Public keys that sign release packages (current and every earlier one), as OKP JWKs',
      responses: { 200: jsonContent(z.object({ keys: z.array(JwkSchema) }), 'The key set.') },
    }),
    async (c) => {
      const keys = await listPublishedSigningKeys(c.var.deps);
      c.header('cache-control', 'public, max-age=300');
      return c.json({ keys }, 200);
    },
  );
}
