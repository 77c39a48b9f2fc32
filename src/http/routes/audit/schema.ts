/** Wire shapes of the audit routes. */
import { z } from '@hono/zod-openapi';

export const AuditEntrySchema = z
  .object({
    seq: z.number().int(),
    at: z.string(),
    actorId: z.string().nullable().openapi({ description: 'API key or instance id; null for the system.' }),
    actorRole: z.string(),
    action: z.string().openapi({ example: 'consent.revoked' }),
    subject: z.string().openapi({ example: 'org:0f8fad5b-d9cb-469f-a165-70867728950e' }),
    details: z.record(z.string(), z.unknown()),
    prevHash: z.string(),
    hash: z.string().openapi({ description: 'SHA-256 over the RFC 8785 canonical JSON of every other field.' }),
  })
  .openapi('AuditEntry');
