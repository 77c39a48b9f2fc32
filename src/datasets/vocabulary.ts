/**
 * The closed vocabularies of the telemetry contract and of the generalized cells. Dataset specs,
 * the ingest schema and the release tables all draw from these lists, so a value that is not here
 * can never reach storage or a release.
 */

export const PROTOCOLS = ['sftp', 'ftps', 'ftp', 'https_web', 'api', 'as2', 'smb', 'email_link', 'agent', 'other'] as const;
export const DIRECTIONS = ['inbound', 'outbound', 'internal'] as const;
export const OUTCOMES = ['delivered', 'blocked_policy', 'failed', 'quarantined'] as const;
export const CONTENT_CLASSES = [
  'ai_generated_document',
  'ai_generated_code',
  'training_dataset',
  'model_artifact',
  'inference_output',
  'non_ai',
  'unknown',
] as const;
export const AI_PLATFORMS = [
  'openai',
  'anthropic',
  'google',
  'microsoft',
  'meta',
  'mistral',
  'huggingface',
  'aws_bedrock',
  'self_hosted',
  'other',
  'none',
] as const;
export const ACCESS_CONTROLS = [
  'mfa',
  'sso',
  'linkExpiry',
  'downloadLimit',
  'ipAllowlist',
  'watermark',
  'dlpScan',
  'customerManagedKeys',
] as const;

/**
 * Contract version 2: the AI artifact a transfer carried, the integrity evidence checked at the
 * transfer boundary, and whether a chain-of-custody record was written. The vocabulary follows the
 * Coalition for Secure AI workstream 1 (artifact classes and its L1-L3 maturity model) and the
 * attestation formats it names: in-toto, SLSA provenance and OpenSSF model signing (OMS).
 */
export const ARTIFACT_CLASSES = ['model_weights', 'dataset', 'code', 'ai_generated_document', 'other'] as const;
export const INTEGRITY_EVIDENCE = ['none', 'checksum_verified', 'signature_verified', 'provenance_attestation_verified'] as const;
export const ATTESTATION_KINDS = ['in_toto', 'slsa', 'oms'] as const;

/** Stored for events whose contract version does not carry the dimension (version 1). */
export const UNKNOWN_VALUE = 'unknown';
export const STORED_ARTIFACT_CLASSES = [...ARTIFACT_CLASSES, UNKNOWN_VALUE] as const;
export const STORED_INTEGRITY_EVIDENCE = [...INTEGRITY_EVIDENCE, UNKNOWN_VALUE] as const;
/** `unspecified`: an attestation was verified but its kind not named; `not_applicable`: no attestation was verified. */
export const STORED_ATTESTATION_KINDS = [...ATTESTATION_KINDS, 'unspecified', 'not_applicable', UNKNOWN_VALUE] as const;
export const STORED_CHAIN_OF_CUSTODY = ['recorded', 'not_recorded', UNKNOWN_VALUE] as const;

/**
 * The CoSAI WS1 maturity level that the boundary evidence demonstrates (docs/privacy-model.md and
 * the README explain the mapping): a checksum shows the bytes are intact (L1, basic artifact
 * integrity); a verified signature also binds them to who produced them (L2, provenance); a verified
 * provenance attestation states how and from what they were produced in a structured, signed form
 * (L3, structured attestations). No evidence is below L1.
 */
export const MATURITY_LEVEL_BY_EVIDENCE = {
  none: 'below_l1',
  checksum_verified: 'l1_artifact_integrity',
  signature_verified: 'l2_provenance',
  provenance_attestation_verified: 'l3_structured_attestation',
} as const satisfies Record<(typeof INTEGRITY_EVIDENCE)[number], string>;

/** Organization attributes come from registration, never from telemetry. */
export const SECTORS = [
  'finance',
  'healthcare',
  'life_sciences',
  'government',
  'defense',
  'education',
  'research',
  'technology',
  'telecom',
  'manufacturing',
  'energy',
  'legal',
  'retail',
  'media',
  'transport',
  'nonprofit',
  'other',
] as const;
export const ORG_SIZE_BANDS = ['1-49', '50-249', '250-999', '1000-4999', '5000+'] as const;

/**
 * Transfer sizes are generalized to decade bands: precise sizes can fingerprint a file, bands
 * keep the shape of the distribution. Upper bounds are exclusive.
 */
export const SIZE_BANDS = [
  { band: 'lt_1mb', upperBytes: 1_000_000 },
  { band: '1mb_10mb', upperBytes: 10_000_000 },
  { band: '10mb_100mb', upperBytes: 100_000_000 },
  { band: '100mb_1gb', upperBytes: 1_000_000_000 },
  { band: '1gb_10gb', upperBytes: 10_000_000_000 },
  { band: 'ge_10gb', upperBytes: Number.POSITIVE_INFINITY },
] as const;

/** Countries are generalized to continents (the region codes of the countries-list data set). */
export const REGIONS = ['AF', 'AN', 'AS', 'EU', 'NA', 'OC', 'SA'] as const;

export type Protocol = (typeof PROTOCOLS)[number];
export type Direction = (typeof DIRECTIONS)[number];
export type Outcome = (typeof OUTCOMES)[number];
export type ContentClass = (typeof CONTENT_CLASSES)[number];
export type AiPlatform = (typeof AI_PLATFORMS)[number];
export type AccessControl = (typeof ACCESS_CONTROLS)[number];
export type Sector = (typeof SECTORS)[number];
export type OrgSizeBand = (typeof ORG_SIZE_BANDS)[number];
export type SizeBand = (typeof SIZE_BANDS)[number]['band'];
export type Region = (typeof REGIONS)[number];
export type ArtifactClass = (typeof ARTIFACT_CLASSES)[number];
export type IntegrityEvidence = (typeof INTEGRITY_EVIDENCE)[number];
export type AttestationKind = (typeof ATTESTATION_KINDS)[number];
