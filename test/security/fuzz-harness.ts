/**
 * A property-based fuzzer over every operation in the OpenAPI document: path parameters, query
 * parameters and JSON bodies are drawn from values that look valid, values that are not (lone
 * surrogates, NUL, prototype names, huge numbers, wrong types) and marked free text. Every answer
 * must be below 500, carry no stack trace or SQL, and (when it is a problem) echo no submitted
 * text. Used by test/security/fuzz.test.ts (a few hundred runs) and `npm run fuzz` (thousands).
 */
import fc from 'fast-check';
import { registerConsentingOrg } from '../support/fixtures';
import { ADMIN_TOKEN, createTestApp, type TestApp } from '../support/test-app';

/** Every free-text value the fuzzer submits contains this marker; no problem body may contain it. */
export const ECHO_MARKER = 'ZqZ';

interface Operation {
  method: string;
  path: string;
  pathParams: string[];
  queryParams: string[];
  bodyProperties: string[] | undefined;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: { $ref?: string; properties?: Record<string, unknown> } }> } }>>;
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      const schema = operation.requestBody?.content?.['application/json']?.schema;
      const resolved = schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').at(-1) ?? ''] : schema;
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        queryParams: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
        bodyProperties: operation.requestBody ? Object.keys(resolved?.properties ?? {}) : undefined,
      });
    }
  }
  return operations;
}

const markedText = fc.string({ maxLength: 40 }).map((text) => `${ECHO_MARKER}${text}`);
const invalidUnicode = fc.constantFrom('\ud800', 'a\udc00b', 'x\u0000y', '\udbff\udbff', `${ECHO_MARKER}\ud83d`);
const prototypeName = fc.constantFrom(...Object.getOwnPropertyNames(Object.prototype), 'prototype', '__defineGetter__');

function stringValue(known: readonly string[]) {
  return fc.oneof(
    { weight: 3, arbitrary: markedText },
    { weight: 2, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: invalidUnicode },
    { weight: 1, arbitrary: prototypeName },
    { weight: 1, arbitrary: fc.uuid().map(String) },
    { weight: 1, arbitrary: fc.constantFrom('2026-W48', '2026-Q4', '2026-11', '2026-11-26', '2026-11-26T00:00:00Z', 'csv', 'json', '-1', '1e309', '', ' ') },
  );
}

function jsonValue(known: readonly string[]): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 4, arbitrary: stringValue(known) },
    { weight: 1, arbitrary: fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(Number.MAX_SAFE_INTEGER * 4)) },
    { weight: 1, arbitrary: fc.array(markedText, { maxLength: 3 }) },
    { weight: 1, arbitrary: fc.dictionary(markedText, markedText, { maxKeys: 3 }) },
  );
}

export interface FuzzCase {
  operation: Operation;
  pathValues: string[];
  query: [string, string][];
  body: unknown;
  authenticated: boolean;
  rawBody: string | undefined;
}

export function fuzzCase(operations: readonly Operation[], known: readonly string[]): fc.Arbitrary<FuzzCase> {
  return fc.constantFrom(...operations).chain((operation) =>
    fc.record({
      operation: fc.constant(operation),
      pathValues: fc.tuple(...operation.pathParams.map(() => stringValue(known))),
      query: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...(operation.queryParams.length ? operation.queryParams : ['q'])), prototypeName, markedText), stringValue(known)), { maxLength: 4 }),
      body:
        operation.bodyProperties === undefined
          ? fc.constant(undefined)
          : fc.oneof(
              fc.record(Object.fromEntries(operation.bodyProperties.map((name) => [name, jsonValue(known)])), { requiredKeys: [] }),
              fc.dictionary(fc.oneof(prototypeName, markedText), jsonValue(known), { maxKeys: 4 }),
              jsonValue(known),
            ),
      authenticated: fc.boolean(),
      rawBody: fc.option(fc.constantFrom('{', '{"a":', `{"${ECHO_MARKER}":1,}`, '\u0000', '[]', '{"__proto__":{"polluted":1}}'), { freq: 8, nil: undefined }),
    }),
  );
}

/** Percent-encodes a path segment; a lone surrogate goes out as the invalid UTF-8 bytes ED A0 80. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return [...value].map((char) => (/[\ud800-\udfff]/.test(char) ? '%ED%A0%80' : encodeURIComponent(char))).join('');
  }
}

export function requestOf(fuzz: FuzzCase): { url: string; init: RequestInit } {
  let index = 0;
  const path = fuzz.operation.path.replace(/\{[^}]+\}/g, () => encodeSegment(fuzz.pathValues[index++] ?? ''));
  const query = new URLSearchParams(fuzz.query).toString();
  const headers: Record<string, string> = { 'x-request-id': `${ECHO_MARKER}-request` };
  if (fuzz.authenticated) headers.authorization = `Bearer ${ADMIN_TOKEN}`;
  const init: RequestInit = { method: fuzz.operation.method, headers };
  if (fuzz.operation.bodyProperties !== undefined) {
    headers['content-type'] = 'application/json';
    init.body = fuzz.rawBody ?? JSON.stringify(fuzz.body);
  }
  return { url: `http://fuzz.test${path}${query ? `?${query}` : ''}`, init };
}

const INTERNALS = [/\n\s+at .+:\d+:\d+/, /node_modules/, /\bSELECT\b.+\bFROM\b/i, /\bINSERT INTO\b/i, /SQLITE_/, /syntax error at or near/, /TypeError|ReferenceError/];

/** Returns why the answer is wrong, or undefined when it is fine. */
export async function checkAnswer(response: Response): Promise<string | undefined> {
  const text = await response.text();
  if (response.status >= 500) return `status ${response.status}: ${text.slice(0, 300)}`;
  for (const pattern of INTERNALS) if (pattern.test(text)) return `internals (${pattern}) in ${text.slice(0, 300)}`;
  const isProblem = response.headers.get('content-type')?.includes('problem+json') ?? false;
  if ((isProblem || response.status >= 400) && text.includes(ECHO_MARKER)) return `echoes submitted text: ${text.slice(0, 300)}`;
  if ([...response.headers.values()].some((value) => value.includes(ECHO_MARKER))) return 'echoes submitted text in a header';
  return undefined;
}

export interface FuzzTarget {
  testApp: TestApp;
  operations: Operation[];
  known: string[];
}

export async function createFuzzTarget(): Promise<FuzzTarget> {
  const testApp = await createTestApp({ config: { apiRatePerMinute: 10_000_000, authFailuresPerMinute: 10_000_000, publicMaxInFlight: 10_000 } });
  const org = await registerConsentingOrg(testApp);
  const document = (await (await testApp.app.request('/openapi.json')).json()) as OpenApiDocument;
  const operations = operationsOf(document);
  const known = [org.orgId, org.instanceId, 'ai-content-flows', 'datapackage.json', 'research-telemetry', 'finance', '250-999', 'DE', 'admin', 'researcher'];
  return { testApp, operations, known };
}

export async function runFuzz(target: FuzzTarget, numRuns: number, seed?: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(fuzzCase(target.operations, target.known), async (fuzz) => {
      const { url, init } = requestOf(fuzz);
      const problem = await checkAnswer(await target.testApp.app.request(url, init));
      if (problem) throw new Error(`${fuzz.operation.method} ${fuzz.operation.path}: ${problem}`);
      const logs = target.testApp.logLines.splice(0).join('\n');
      if (logs.includes(ECHO_MARKER)) throw new Error(`${fuzz.operation.method} ${fuzz.operation.path}: submitted text in the logs`);
    }),
    { numRuns, ...(seed !== undefined ? { seed } : {}) },
  );
}
