/**
 * What a caller may send to grant or revoke consent and to request an erasure. The API validates its
 * JSON bodies with these schemas and the privacy console its forms, so both accept the same input.
 */
import { z } from '@hono/zod-openapi';
import { RESEARCH_SCOPE } from './consent-coverage';
import { WELL_FORMED_TEXT } from '../text';

export const ConsentGrantSchema = z
  .object({
    scope: z.literal(RESEARCH_SCOPE),
    policyVersion: z.string().trim().min(1).max(100).refine(...WELL_FORMED_TEXT),
    policyUrl: z.url().max(2000).refine(...WELL_FORMED_TEXT).optional(),
    grantedBy: z.string().trim().min(1).max(200).refine(...WELL_FORMED_TEXT).openapi({ description: "The customer's signatory (name and role)." }),
    collectionMethod: z.enum(['signed_agreement', 'online_form', 'email_confirmation', 'other']).optional(),
    evidenceUrl: z.url().max(2000).refine(...WELL_FORMED_TEXT).optional(),
    evidenceSha256: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hexadecimal characters')
      .optional()
      .openapi({ description: 'SHA-256 of the signed consent document.' }),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
  })
  .openapi('ConsentGrant');

export const ConsentRevocationSchema = z
  .object({ reason: z.string().trim().min(1).max(1000).refine(...WELL_FORMED_TEXT) })
  .openapi('ConsentRevocation');

export const ErasureRequestSchema = z
  .object({ reason: z.string().trim().min(1).max(1000).refine(...WELL_FORMED_TEXT).optional() })
  .openapi('ErasureRequest');
