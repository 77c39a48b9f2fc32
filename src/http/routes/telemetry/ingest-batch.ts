/**
 * POST /v1/telemetry/batches. The body is read by hand (not by the OpenAPI validator) because it
 * may be compressed and must be size-checked after decompression; events are validated one by one
 * in the domain function so a bad event never rejects the batch.
 */
import { z } from '@hono/zod-openapi';
import type { AppDeps } from '../../../deps';
import { AppError } from '../../../errors';
import { anyTelemetryBatchSchema, batchEnvelopeSchema } from '../../../ingest/event-schema';
import { ingestBatch, REJECTION_CODES } from '../../../ingest/ingest-batch';
import type { App } from '../../app-env';
import { requireRole } from '../../middleware/authorize';
import { createRateLimiter, principalKey } from '../../middleware/rate-limit';
import { bearerSecurity, jsonContent, problemResponses } from '../../openapi-common';
import { describeIssues } from '../../problem';
import { readBoundedJsonBody } from '../../read-bounded-body';

export const IngestResultSchema = z
  .object({
    accepted: z.number().int().openapi({ description: 'Events counted now.' }),
    duplicates: z.number().int().openapi({ description: 'Events already counted earlier (retries); counted once.' }),
    rejected: z.array(z.object({ index: z.number().int(), code: z.enum(REJECTION_CODES), detail: z.string() })),
    droppedFields: z
      .record(z.string(), z.number().int())
      .openapi({ description: 'Identifier and unknown fields dropped on receipt, counted by contract path ("unknown" for unknown fields).' }),
  })
  .openapi('IngestResult');

const PATH = '/v1/telemetry/batches';

export function registerIngestBatch(app: App, deps: AppDeps) {
  app.openAPIRegistry.registerPath({
    method: 'post',
    path: PATH,
    tags: ['Telemetry'],
    summary: 'Send a batch of transfer events (JSON; gzip or deflate Content-Encoding accepted)',
    description:
      'Contract version 2 (schemaVersion 2) is current; version 1 batches are still accepted, their events counted as unknown in ' +
      'the version 2 dimensions. Identifier fields are dropped on receipt. Re-sending a batch is safe: events are deduplicated by eventId. ' +
      'Limits: 1,000 events and 5 MB after decompression (configurable).',
    security: bearerSecurity,
    request: { body: { content: { 'application/json': { schema: anyTelemetryBatchSchema } }, required: true } },
    responses: {
      200: jsonContent(IngestResultSchema, 'Per-event results.'),
      ...problemResponses(
        'invalid-json',
        'invalid-request',
        'unauthenticated',
        'consent-required',
        'payload-too-large',
        'unsupported-media-type',
        'rate-limited',
        'store-busy',
        'store-unavailable',
      ),
    },
  });

  const { config, clock } = deps;
  app.post(
    PATH,
    requireRole('ingest'),
    createRateLimiter({ clock, perMinute: config.ingestRatePerMinute, keyOf: principalKey }),
    async (c) => {
      const { deps } = c.var;
      const body = await readBoundedJsonBody(c.req.raw, deps.config.maxBodyBytes);
      const envelope = batchEnvelopeSchema.safeParse(body);
      if (!envelope.success) {
        throw new AppError('invalid-request', 'The body must be {"schemaVersion": 1 or 2, "events": [...]}; version 2 is current (see /schemas/telemetry-batch.v2.schema.json).', {
          errors: describeIssues(envelope.error.issues),
        });
      }
      if (envelope.data.events.length > deps.config.maxEventsPerBatch) {
        throw new AppError(
          'payload-too-large',
          `A batch may hold at most ${deps.config.maxEventsPerBatch} events; this one has ${envelope.data.events.length}.`,
          { maxEvents: deps.config.maxEventsPerBatch, maxBytes: deps.config.maxBodyBytes },
        );
      }
      const principal = c.var.principal;
      if (principal.kind !== 'instance') throw new AppError('forbidden', 'Only ingest tokens may send telemetry.');
      const result = await ingestBatch(deps, { orgId: principal.orgId }, envelope.data.events, envelope.data.schemaVersion);
      return c.json(result, 200);
    },
  );
}
