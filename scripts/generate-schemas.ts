/**
 * Writes the wire contracts under schemas/ as JSON Schema (draft 2020-12), generated from the zod
 * definitions so the published contract cannot drift from what the service validates.
 * Run: npm run schemas   (test/contract/json-schema.test.ts fails when the committed files are stale)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderJsonSchemas } from '../src/ingest/json-schemas';

const outputDir = join(import.meta.dirname, '..', 'schemas');
for (const [fileName, content] of Object.entries(renderJsonSchemas())) {
  writeFileSync(join(outputDir, fileName), content);
  console.log(`wrote schemas/${fileName}`);
}
