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
  ARTIFACT_CLASSES,
  ATTESTATION_KINDS,
  CONTENT_CLASSES,
  INTEGRITY_EVIDENCE,
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

/**
 * Contract version 2 replaces the two integrity booleans with the evidence checked at the transfer
 * boundary, and adds the artifact class and the chain-of-custody record. Everything else is as in
 * version 1.
 */
export const minimizedEventSchemaV2 = minimizedEventSchema.extend({
  content: minimizedEventSchema.shape.content.extend({
    artifactClass: z
      .enum(ARTIFACT_CLASSES)
      .describe('The AI artifact transferred (CoSAI WS1 artifact classes: models, data, process), "other" for anything else.'),
  }),
  integrity: z
    .object({
      evidence: z
        .enum(INTEGRITY_EVIDENCE)
        .describe(
          'The strongest integrity evidence verified at the transfer boundary; maps to the CoSAI WS1 maturity levels ' +
            '(none: below L1, checksum_verified: L1, signature_verified: L2, provenance_attestation_verified: L3).',
        ),
      attestationKind: z
        .enum(ATTESTATION_KINDS)
        .optional()
        .describe('The attestation format verified (in-toto, SLSA provenance, OpenSSF model signing); only with provenance_attestation_verified.'),
      chainOfCustodyRecorded: z.boolean().describe('Whether a chain-of-custody record was produced for this transfer.'),
    })
    .refine((integrity) => integrity.attestationKind === undefined || integrity.evidence === 'provenance_attestation_verified', {
      message: 'attestationKind is only allowed when evidence is provenance_attestation_verified',
      path: ['attestationKind'],
    }),
});

export type MinimizedEventV2 = z.infer<typeof minimizedEventSchemaV2>;

const droppedOnReceipt = (what: string) => z.string().optional().describe(`${what}. Identifier: dropped on receipt, never stored or logged.`);

const identifierTransferFields = {
  fileName: droppedOnReceipt('File name'),
  fileSha256: droppedOnReceipt('File content hash'),
  partnerDomain: droppedOnReceipt('Counterparty domain'),
};
const actorSchema = z
  .object({
    userId: droppedOnReceipt('User id'),
    email: droppedOnReceipt('E-mail address'),
    ip: droppedOnReceipt('IP address'),
    userAgent: droppedOnReceipt('User agent'),
    hostname: droppedOnReceipt('Host name'),
  })
  .optional();

/** The full wire shape, identifier fields included, for documentation and JSON Schema. */
export const transferEventSchema = minimizedEventSchema.extend({
  transfer: minimizedEventSchema.shape.transfer.extend(identifierTransferFields),
  actor: actorSchema,
});

export const transferEventSchemaV2 = minimizedEventSchemaV2.extend({
  transfer: minimizedEventSchemaV2.shape.transfer.extend(identifierTransferFields),
  actor: actorSchema,
});

export const SCHEMA_VERSION = 1;
export const SCHEMA_VERSION_V2 = 2;
/** Every contract version the service accepts; the SDK sends the newest. */
export const SCHEMA_VERSIONS = [SCHEMA_VERSION, SCHEMA_VERSION_V2] as const;
export type SchemaVersion = (typeof SCHEMA_VERSIONS)[number];

export const telemetryBatchSchema = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION),
  events: z.array(transferEventSchema).min(1),
});

export const telemetryBatchSchemaV2 = z.object({
  schemaVersion: z.literal(SCHEMA_VERSION_V2),
  events: z.array(transferEventSchemaV2).min(1),
});

/** Either version, as the request body of POST /v1/telemetry/batches. */
export const anyTelemetryBatchSchema = z.discriminatedUnion('schemaVersion', [telemetryBatchSchema, telemetryBatchSchemaV2]);

/** The envelope is checked strictly; events are checked one by one so one bad event never rejects the batch. */
export const batchEnvelopeSchema = z.object({
  schemaVersion: z.union([z.literal(SCHEMA_VERSION), z.literal(SCHEMA_VERSION_V2)]),
  events: z.array(z.unknown()).min(1),
});

/** What is left after minimization, per contract version: validation runs against this. */
export const MINIMIZED_EVENT_SCHEMAS = {
  [SCHEMA_VERSION]: minimizedEventSchema,
  [SCHEMA_VERSION_V2]: minimizedEventSchemaV2,
} as const;
