/** JSON Schema renderings of the ingest contract, one pair per version (version 1 keeps its original file names) (written to schemas/ by scripts/generate-schemas.ts). */
import { z } from 'zod';
import { telemetryBatchSchema, telemetryBatchSchemaV2, transferEventSchema, transferEventSchemaV2 } from './event-schema';

/** Served by the service itself at this path, so the $id resolves against any deployment's origin. */
const SCHEMA_BASE = '/schemas';

function render(schema: z.ZodType, id: string, title: string): string {
  const jsonSchema = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' });
  return `${JSON.stringify({ ...jsonSchema, $id: `${SCHEMA_BASE}/${id}`, title }, null, 2)}\n`;
}

export function renderJsonSchemas(): Record<string, string> {
  return {
    'telemetry-batch.schema.json': render(telemetryBatchSchema, 'telemetry-batch.schema.json', 'Telemetry batch (POST /v1/telemetry/batches)'),
    'transfer-event.schema.json': render(transferEventSchema, 'transfer-event.schema.json', 'Transfer event'),
    'telemetry-batch.v2.schema.json': render(
      telemetryBatchSchemaV2,
      'telemetry-batch.v2.schema.json',
      'Telemetry batch, contract version 2 (POST /v1/telemetry/batches)',
    ),
    'transfer-event.v2.schema.json': render(transferEventSchemaV2, 'transfer-event.v2.schema.json', 'Transfer event, contract version 2'),
  };
}
