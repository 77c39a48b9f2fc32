/** Wire shapes of release metadata and of the admin release request. */
import { z } from '@hono/zod-openapi';
import type { ReleaseFileInfo, ReleaseRow } from '../../../releases/release-repository';
import { ReleaseConfigurationSchema, releaseLinks } from '../datasets/schema';
import { WELL_FORMED_TEXT } from '../../../text';

export const ReleaseIdParam = z.uuid().openapi({ param: { name: 'releaseId', in: 'path' }, example: '0f8fad5b-d9cb-469f-a165-70867728950e' });

export const RELEASE_FILE_NAMES = ['datapackage.json', 'datapackage.json.sig', 'datapackage.json.sig.b64', 'data.csv', 'data.json', 'noisy-measurements.csv', 'data.parquet', 'spdx.json', 'provenance.intoto.jsonl'] as const;

export const ReleaseFileParam = z.enum(RELEASE_FILE_NAMES).openapi({ param: { name: 'file', in: 'path' }, example: 'data.csv' });

export const ReleaseSchema = z
  .object({
    id: z.uuid(),
    datasetId: z.string(),
    period: z.string(),
    createdAt: z.string().openapi({ description: 'The package\'s `created`: the period\'s scheduled releasable-at instant, not when it was written.' }),
    packageSha256: z.string().openapi({ description: 'SHA-256 of datapackage.json (its RFC 8785 canonical bytes, as served).' }),
    configuration: ReleaseConfigurationSchema.nullable().openapi({
      description: 'The configuration in force when it was released, from its signed datapackage.json (null for packages made before packages stated it).',
    }),
    previous: z.object({ id: z.string(), sha256: z.string() }).nullable(),
    signature: z.object({
      alg: z.literal('EdDSA'),
      crv: z.literal('Ed25519'),
      kid: z.string().openapi({ description: 'RFC 7638 thumbprint of the key in /.well-known/jwks.json.' }),
      value: z.string().openapi({ description: 'Base64 signature over the bytes of datapackage.json.' }),
    }),
    files: z.array(
      z.object({ path: z.string(), mediaType: z.string(), bytes: z.number().int(), sha256: z.string(), url: z.string() }),
    ),
    links: z.object({ self: z.string(), datapackage: z.string(), signature: z.string(), csv: z.string(), json: z.string(), dataset: z.string(), jwks: z.string() }),
  })
  .openapi('Release');

export function releaseView(row: ReleaseRow, files: readonly ReleaseFileInfo[]) {
  const links = releaseLinks(row.id);
  return {
    id: row.id,
    datasetId: row.dataset_id,
    period: row.period,
    createdAt: row.created_at,
    packageSha256: row.package_sha256,
    configuration: ((JSON.parse(row.datapackage) as { configuration?: unknown }).configuration ?? null) as z.infer<typeof ReleaseConfigurationSchema> | null,
    previous: row.previous_release_id && row.previous_package_sha256 ? { id: row.previous_release_id, sha256: row.previous_package_sha256 } : null,
    signature: { alg: 'EdDSA' as const, crv: 'Ed25519' as const, kid: row.signing_key_id, value: row.signature },
    files: [
      {
        path: 'datapackage.json',
        mediaType: 'application/json',
        bytes: new TextEncoder().encode(row.datapackage).byteLength,
        sha256: row.package_sha256,
        url: links.datapackage,
      },
      ...files.map((file) => ({
        path: file.path,
        mediaType: file.media_type,
        bytes: Number(file.bytes),
        sha256: file.sha256,
        url: `/v1/releases/${row.id}/${file.path}`,
      })),
    ],
    links: { ...links, dataset: `/v1/datasets/${row.dataset_id}`, jwks: '/.well-known/jwks.json' },
  };
}

export const ReleaseRequestSchema = z
  .object({
    period: z.string().min(4).max(16).refine(...WELL_FORMED_TEXT).openapi({ example: '2026-Q4', description: 'Period id of the configured kind (PERIOD): 2026-Q4 (quarter, the default), 2026-11 (month), 2026-W48 (ISO week) or 2026-11-26 (day).' }),
    takeOverStartedLock: z
      .boolean()
      .optional()
      .openapi({ description: 'Resume a release whose process died, without waiting for its lock to expire. Only when no other release of this period is running.' }),
  })
  .openapi('ReleaseRequest');

export const PeriodReleaseSchema = z
  .object({
    period: z.string(),
    releasedAt: z.string().openapi({ description: 'When the release was written.' }),
    created: z.string().openapi({ description: 'The packages\' public creation time: the period\'s scheduled releasable-at instant.' }),
    resumed: z.boolean(),
    releases: z.array(
      z.object({
        id: z.uuid(),
        datasetId: z.string(),
        packageSha256: z.string(),
        position: z.number().int(),
        previousReleaseId: z.string().nullable(),
        cells: z.number().int(),
        rows: z.number().int(),
        rho: z.number(),
      }),
    ),
    countersDeleted: z.number().int(),
    replayGuardsDeleted: z.number().int(),
    retentionComplete: z.boolean().openapi({ description: 'False if deleting the period\'s counters was interrupted; the scheduler finishes it.' }),
  })
  .openapi('PeriodRelease');
