import { createRoute, z } from '@hono/zod-openapi';
import { readReleaseFile } from '../../../releases/release-files';
import { SPDX_PATH } from '../../../releases/spdx-document';
import type { App } from '../../app-env';
import { problemResponses } from '../../openapi-common';
import { researcherAccess, researcherSecurity } from '../datasets/researcher-access';
import { immutableFileResponse } from './immutable-file-response';
import { ReleaseIdParam } from './schema';

/** The release as an SPDX 3 dataset package: the same stored file as spdx.json in the package, named here for AI-BOM tools. */
export function registerGetReleaseSpdx(app: App) {
  app.openapi(
    createRoute({
      method: 'get',
      path: `/v1/releases/{releaseId}/${SPDX_PATH}`,
      tags: ['Releases'],
      summary: 'The release described as an SPDX 3.0.1 dataset_DatasetPackage (JSON-LD)',
      description:
        'anonymizationMethodUsed (differential privacy, its mechanism, the k-anonymity floor), datasetNoise (in words, with the parameters), ' +
        'confidentialityLevel clear, intendedUse, knownBias (from the dataset spec), datasetUpdateMechanism, and each data file with its SHA-256. ' +
        'It is a resource of datapackage.json, so its hash is covered by the release signature. Readable by whoever may read the release.',
      security: researcherSecurity,
      middleware: [researcherAccess()] as const,
      request: { params: z.object({ releaseId: ReleaseIdParam }) },
      responses: {
        200: { description: 'The SPDX document.', content: { 'application/spdx+json': { schema: z.record(z.string(), z.unknown()) } } },
        304: { description: 'Not modified (If-None-Match matched the ETag).' },
        ...problemResponses('invalid-request', 'unauthenticated', 'forbidden', 'not-found'),
      },
    }),
    async (c) => {
      const { releaseId } = c.req.valid('param');
      const content = await readReleaseFile(c.var.deps.database.db, releaseId, SPDX_PATH);
      return immutableFileResponse(c, { ...content, fileName: SPDX_PATH });
    },
  );
}
