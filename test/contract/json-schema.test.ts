import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderJsonSchemas } from '../../src/ingest/json-schemas';

describe('published JSON Schemas', () => {
  it.each(Object.entries(renderJsonSchemas()))('schemas/%s matches the zod contract (run `npm run schemas` to refresh)', (fileName, expected) => {
    const committed = readFileSync(join(import.meta.dirname, '..', '..', 'schemas', fileName), 'utf8');
    expect(committed).toBe(expected);
  });

  it('documents identifier fields as dropped on receipt', () => {
    const event = JSON.parse(renderJsonSchemas()['transfer-event.schema.json'] ?? '{}');
    expect(event.properties.actor.properties.email.description).toMatch(/dropped on receipt/);
    expect(event.properties.transfer.properties.fileName.description).toMatch(/never stored/);
  });
});
