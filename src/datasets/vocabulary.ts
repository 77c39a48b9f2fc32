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
