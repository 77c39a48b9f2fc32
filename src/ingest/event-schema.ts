/**
 * The wire contract of a telemetry batch. Identifier fields are declared (so the contract says
 * plainly that they are dropped on receipt) but they are removed before validation, so their
 * values can never appear in an error message. schemas/telemetry-batch.schema.json is generated
 * from these definitions by scripts/generate-schemas.ts.
 */
import { countries } from 'countries-list';
import { z } from 'zod';
import {
  AI_PLATFORMS,
  CONTENT_CLASSES,
  DIRECTIONS,
  OUTCOMES,
  PROTOCOLS,
} from '../datasets/vocabulary';

const countryCodes = Object.keys(countries) as [string, ...string[]];

/** Identifier fields by object; each is dropped on receipt and counted in `droppedFields`. */
export const IDENTIFIER_FIELDS = {
  transfer: ['fileName', 'fileSha256', 'partnerDomain'],
  actor: ['userId', 'email', 'ip', 'userAgent', 'hostname'],
} as const;

const controlsSchema = z
  .object({
    mfa: z.boolean(),
    sso: z.boolean(),
    linkExpiry: z.boolean(),
    downloadLimit: z.boolean(),
    ipAllowlist: z.boolean(),
    watermark: z.boolean(),
    dlpScan: z.boolean(),
    customerManagedKeys: z.boolean(),
  })
  .describe('Access controls applied to this transfer.');

/** What remains of an event after identifier and unknown fields are dropped. */
export const minimizedEventSchema = z.object({
  eventId: z.uuid().describe('Unique per event; used only (keyed-hashed) to make retries safe.'),
  occurredAt: z.iso.datetime({ offset: true }).describe('RFC 3339 time of the transfer; generalized to the release period.'),
  transfer: z.object({
    protocol: z.enum(PROTOCOLS),
    direction: z.enum(DIRECTIONS),
    crossOrg: z.boolean().describe('Whether the transfer crossed an organization boundary.'),
    sizeBytes: z.number().int().min(0).describe('Generalized to a size band before storage.'),
    outcome: z.enum(OUTCOMES),
  }),
  content: z.object({
    classification: z.enum(CONTENT_CLASSES),
    aiPlatform: z.enum(AI_PLATFORMS),
  }),
  controls: controlsSchema,
  integrity: z.object({
    hashVerified: z.boolean(),
    signatureVerified: z.boolean(),
  }),
  geo: z.object({
    country: z.enum(countryCodes).describe('ISO 3166-1 alpha-2; generalized to a continent before storage.'),
  }),
});

export type MinimizedEvent = z.infer<typeof minimizedEventSchema>;

const droppedOnReceipt = (what: string) => z.string().optional().describe(`${what}. Identifier: dropped on receipt, never stored or logged.`);

/** The full wire shape, identifier fields included, for documentation and JSON Schema. */
export const transferEventSchema = minimizedEventSchema.extend({
  transfer: minimizedEventSchema.shape.transfer.extend({
    fileName: droppedOnReceipt('File name'),
    fileSha256: droppedOnReceipt('File content hash'),
    partnerDomain: droppedOnReceipt('Counterparty domain'),
  }),
  actor: z
    .object({
      userId: droppedOnReceipt('User id'),
      email: droppedOnReceipt('E-mail address'),
      ip: droppedOnReceipt('IP address'),
      userAgent: droppedOnReceipt('User agent'),
      hostname: droppedOnReceipt('Host name'),
    })
    .optional(),
});

export const SCHEMA_VERSION = 1;

export const telemetryBatchSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  events: z.array(transferEventSchema).min(1),
});

/** The envelope is checked strictly; events are checked one by one so one bad event never rejects the batch. */
export const batchEnvelopeSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  events: z.array(z.unknown()).min(1),
});
