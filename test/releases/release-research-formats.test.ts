/**
 * What AI supply-chain researchers plug in, checked as they would: a release downloaded over HTTP
 * from a real server, then
 * - data.parquet read back with an independent reader (hyparquet) and compared with data.csv;
 * - provenance.intoto.jsonl verified with `npm run verify` and with the stock openssl steps that
 *   docs/releases.md documents (the block is taken from the doc and run as it is);
 * - spdx.json validated with ajv against the SPDX 3.0.1 JSON schema;
 * - the catalogue metadata in /v1/datasets and in datapackage.json.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { serve, type ServerType } from '@hono/node-server';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { parquetMetadata, parquetReadObjects, parquetSchema } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PeriodReleaseResult } from '../../src/releases/release-period';
import { createTestApp, type TestApp } from '../support/test-app';
import { publishTestPeriod, runVerify, TEST_RELEASE_CONFIG } from './release-fixtures';
import { parseCsv } from '../support/release-csv';

const run = promisify(execFile);

/** The openssl block of docs/releases.md, exactly as documented. */
function documentedDsseSteps(): string {
  const doc = readFileSync('docs/releases.md', 'utf8');
  const block = /<!-- dsse-openssl-steps:start -->\n```sh\n([\s\S]*?)```\n<!-- dsse-openssl-steps:end -->/.exec(doc);
  if (!block) throw new Error('docs/releases.md has no dsse-openssl-steps block');
  return block[1]!;
}

const SPDX_SCHEMA_SHA256 = '873ff9d3177a0c12495fe585c5012f7bec0aa70aabed1f2f1e79f25bd95eb107';

/** The SPDX 3.0.1 JSON schema: public data, provided beside the checkout (see docs/releases.md). */
function spdxSchemaPath(): string | undefined {
  const candidates = [process.env.SPDX3_JSON_SCHEMA, resolve('..', 'shared', 'test-data', 'spdx', 'spdx-json-schema-v3.0.1.json')];
  return candidates.find((path): path is string => path !== undefined && existsSync(path));
}

describe('release formats for AI supply-chain researchers', () => {
  let testApp: TestApp;
  let server: ServerType;
  let origin: string;
  let folder: string;
  let releaseId: string;
  let previousId: string;
  let saved: string;
  let shareReleaseId: string;

  beforeAll(async () => {
    testApp = await createTestApp({ config: TEST_RELEASE_CONFIG });
    const releases: PeriodReleaseResult[] = [await publishTestPeriod(testApp, { period: '2026-W47' }), await publishTestPeriod(testApp, { period: '2026-W48' })];
    const volume = (result: PeriodReleaseResult) => result.releases.find((release) => release.datasetId === 'ai-transfer-volume')!.id;
    previousId = volume(releases[0]!);
    releaseId = volume(releases[1]!);
    shareReleaseId = releases[1]!.releases.find((release) => release.datasetId === 'ai-boundary-gap-rates')!.id;
    server = await new Promise<ServerType>((done) => {
      const started = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' }, () => done(started));
    });
    // Idle connections outlive the test, so a reused keep-alive socket is never closed under a request.
    (server as Server).keepAliveTimeout = 300_000;
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    folder = mkdtempSync(join(tmpdir(), 'release-formats-'));
    // The download: npm run verify fetches every file the package names and keeps them.
    const download = await runVerify(`${origin}/v1/releases/${releaseId}`, '--save', folder);
    expect(download.code, download.stdout).toBe(0);
    saved = join(folder, releaseId);
  }, 240_000);
  afterAll(async () => {
    await new Promise((done) => server?.close(done));
    rmSync(folder, { recursive: true, force: true });
    await testApp?.dispose();
  });

  const descriptor = () => JSON.parse(readFileSync(join(saved, 'datapackage.json'), 'utf8'));

  it('data.parquet has the rows of data.csv, in order, with typed columns from the Table Schema', async () => {
    const fields = descriptor().resources.find((resource: { path: string }) => resource.path === 'data.parquet').schema.fields as { name: string; type: string }[];
    const csvRows = parseCsv(readFileSync(join(saved, 'data.csv'), 'utf8'));
    const bytes = readFileSync(join(saved, 'data.parquet'));
    const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    const metadata = parquetMetadata(file);
    const schema = parquetSchema(metadata);
    expect(schema.children.map((child) => child.element.name)).toEqual(fields.map((field) => field.name));
    const physical = Object.fromEntries(schema.children.map((child) => [child.element.name, child.element.type]));
    for (const field of fields) {
      expect(physical[field.name], field.name).toBe({ string: 'BYTE_ARRAY', integer: 'INT64', number: 'DOUBLE' }[field.type]);
    }

    const parquetRows = (await parquetReadObjects({ file })) as Record<string, unknown>[];
    expect(csvRows.length).toBeGreaterThan(0);
    expect(parquetRows).toHaveLength(csvRows.length);
    csvRows.forEach((csvRow, index) => {
      const parquetRow = parquetRows[index]!;
      expect(Object.keys(parquetRow)).toEqual(fields.map((field) => field.name));
      for (const field of fields) {
        const text = csvRow[field.name]!;
        if (text === '') {
          // An empty CSV cell is a missing value (a suppressed row's value): null in Parquet.
          expect([null, field.type === 'string' ? '' : null], `row ${index} ${field.name}`).toContain(parquetRow[field.name]);
          continue;
        }
        const expected = field.type === 'integer' ? BigInt(text) : field.type === 'number' ? Number(text) : text;
        expect(parquetRow[field.name], `row ${index} ${field.name}`).toEqual(expected);
      }
    });
    // Served as bytes with the Parquet media type, identical to the hashed file.
    const served = await fetch(`${origin}/v1/releases/${releaseId}/data.parquet`);
    expect(served.headers.get('content-type')).toBe('application/vnd.apache.parquet');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(bytes);
  });

  it('a package with organization_share verifies, types its values as numbers and states the share estimand', async () => {
    const shareFolder = mkdtempSync(join(tmpdir(), 'release-shares-'));
    try {
      const verified = await runVerify(`${origin}/v1/releases/${shareReleaseId}`, '--save', shareFolder);
      expect(verified.code, verified.stdout).toBe(0);
      const shareDescriptor = JSON.parse(readFileSync(join(shareFolder, shareReleaseId, 'datapackage.json'), 'utf8'));
      expect(shareDescriptor.privacy.shares.estimand).toMatch(/weights organizations equally, not transfers/);
      expect(shareDescriptor.privacy.shares).toMatchObject({ over: 'gap', maxGroupsPerOrganization: 1, gridUnits: 10_000 });
      const fields = shareDescriptor.resources.find((resource: { path: string }) => resource.path === 'data.csv').schema.fields as { name: string; type: string }[];
      expect(fields.find((field) => field.name === 'value')!.type).toBe('number');
      const rows = parseCsv(readFileSync(join(shareFolder, shareReleaseId, 'data.csv'), 'utf8')).filter((row) => row.measure === 'organization_share');
      expect(rows).toHaveLength(4);
      const published = rows.filter((row) => row.status === 'published');
      if (published.length > 0) {
        expect(published).toHaveLength(4); // one group: all or none
        expect(published.reduce((sum, row) => sum + Math.round(Number(row.value) * 10_000), 0)).toBe(10_000);
      }
    } finally {
      rmSync(shareFolder, { recursive: true, force: true });
    }
  });

  it('npm run verify checks the DSSE provenance, and fails when it is altered or missing', async () => {
    const verified = await runVerify(saved, '--jwks', join(folder, 'jwks.json'));
    expect(verified.stdout).toMatch(/✓ provenance\.intoto\.jsonl signature: DSSE Ed25519 signature valid/);
    expect(verified.stdout).toMatch(/✓ provenance\.intoto\.jsonl statement: in-toto subjects match the 6 files/);
    expect(verified.code).toBe(0);

    const original = readFileSync(join(saved, 'provenance.intoto.jsonl'), 'utf8');
    const envelope = JSON.parse(original);
    const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
    expect(statement).toMatchObject({
      _type: 'https://in-toto.io/Statement/v1',
      predicateType: 'https://slsa.dev/provenance/v1',
      predicate: {
        buildDefinition: {
          externalParameters: { dataset: { id: 'ai-transfer-volume' }, period: { id: '2026-W48' }, privacy: { k: 3 } },
        },
        runDetails: { builder: { id: expect.stringMatching(/^pkg:npm\/ai-transfer-telemetry-aggregator@/) }, metadata: { invocationId: releaseId } },
      },
    });
    const previousSha = descriptor().chain.previous.sha256;
    expect(statement.predicate.buildDefinition.resolvedDependencies.map((dependency: { name: string }) => dependency.name)).toEqual(['previous-release', 'audit-log-head', 'code']);
    expect(statement.predicate.buildDefinition.resolvedDependencies[0]).toMatchObject({ uri: expect.stringContaining(previousId), digest: { sha256: previousSha } });
    expect(statement.subject.map((subject: { name: string }) => subject.name)).toEqual(['data.csv', 'data.json', 'data.parquet', 'datapackage.json', 'noisy-measurements.csv', 'spdx.json']);

    try {
      // A statement naming another hash, kept under the original signature.
      const forged = { ...statement, subject: statement.subject.map((subject: { name: string; digest: { sha256: string } }) => (subject.name === 'data.csv' ? { ...subject, digest: { sha256: '0'.repeat(64) } } : subject)) };
      writeFileSync(join(saved, 'provenance.intoto.jsonl'), `${JSON.stringify({ ...envelope, payload: Buffer.from(JSON.stringify(forged)).toString('base64') })}\n`);
      const altered = await runVerify(saved, '--jwks', join(folder, 'jwks.json'));
      expect(altered.stdout).toMatch(/✗ provenance\.intoto\.jsonl signature/);
      expect(altered.stdout).toMatch(/✗ provenance\.intoto\.jsonl statement: subject data\.csv has sha256 0{64}/);
      expect(altered.code).toBe(1);

      rmSync(join(saved, 'provenance.intoto.jsonl'));
      const missing = await runVerify(saved, '--jwks', join(folder, 'jwks.json'));
      expect(missing.stdout).toMatch(/✗ provenance\.intoto\.jsonl signature: missing \(the signed datapackage\.json names it\)/);
      expect(missing.code).toBe(1);
    } finally {
      writeFileSync(join(saved, 'provenance.intoto.jsonl'), original);
    }
  }, 180_000);

  it('the documented openssl steps verify the DSSE signature and the subjects, and fail on an altered envelope', async () => {
    const steps = documentedDsseSteps();
    const kid = JSON.parse(readFileSync(join(saved, 'provenance.intoto.jsonl'), 'utf8')).signatures[0].keyid;
    const dir = mkdtempSync(join(tmpdir(), 'dsse-openssl-'));
    try {
      for (const name of ['provenance.intoto.jsonl', 'datapackage.json', 'data.csv', 'data.json', 'data.parquet', 'noisy-measurements.csv', 'spdx.json']) {
        writeFileSync(join(dir, name), readFileSync(join(saved, name)));
      }
      writeFileSync(join(dir, 'pub.pem'), await (await fetch(`${origin}/v1/signing-keys/${kid}.pem`)).text());
      const good = await run('bash', ['-euo', 'pipefail', '-c', steps], { cwd: dir });
      expect(good.stdout).toMatch(/Signature Verified Successfully/);
      expect(good.stdout).toMatch(/data\.parquet: OK/);
      expect(good.stdout).toMatch(/datapackage\.json: OK/);
      expect(good.stdout).toMatch(/spdx\.json: OK/);

      // One byte of the payload changed: the PAE differs, so openssl refuses the signature.
      const envelope = JSON.parse(readFileSync(join(dir, 'provenance.intoto.jsonl'), 'utf8'));
      const payload = Buffer.from(envelope.payload, 'base64');
      payload[20] = payload[20]! ^ 0x01;
      writeFileSync(join(dir, 'provenance.intoto.jsonl'), `${JSON.stringify({ ...envelope, payload: payload.toString('base64') })}\n`);
      await expect(run('bash', ['-euo', 'pipefail', '-c', steps], { cwd: dir })).rejects.toMatchObject({ stdout: expect.stringMatching(/Signature Verification Failure/) });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('spdx.json is an SPDX 3.0.1 dataset package that validates against the SPDX JSON schema', async (context) => {
    const fromPackage = readFileSync(join(saved, 'spdx.json'));
    const served = await fetch(`${origin}/v1/releases/${releaseId}/spdx.json`);
    expect(served.status).toBe(200);
    expect(served.headers.get('content-type')).toBe('application/spdx+json; charset=utf-8');
    expect(Buffer.from(await served.arrayBuffer())).toEqual(fromPackage);
    const document = JSON.parse(fromPackage.toString('utf8'));
    const graph = document['@graph'] as Record<string, unknown>[];
    const dataset = graph.find((element) => element.type === 'dataset_DatasetPackage')!;
    expect(dataset).toMatchObject({
      dataset_confidentialityLevel: 'clear',
      dataset_anonymizationMethodUsed: expect.arrayContaining([
        expect.stringMatching(/^Differential privacy: zero-concentrated DP/),
        'Mechanism: discrete_gaussian, exact integer sampling',
        'k-anonymity floor: a cell is published only if at least 3 distinct organizations contributed',
      ]),
      dataset_datasetNoise: expect.stringMatching(/discrete Gaussian noise .* rho = [\d.e-]+ per period/),
      dataset_intendedUse: expect.stringContaining('How much AI content'),
      dataset_datasetUpdateMechanism: expect.stringContaining('previous one'),
    });
    const spec = (await (await fetch(`${origin}/v1/datasets/ai-transfer-volume`)).json()) as { methodology: { knownBiases: string[] } };
    for (const bias of dataset.dataset_knownBias as string[]) expect(spec.methodology.knownBiases).toContain(bias);
    const files = graph.filter((element) => element.type === 'software_File');
    const resources = descriptor().resources as { path: string; hash: string }[];
    expect(files.map((file) => [file.name, (file.verifiedUsing as { hashValue: string }[])[0]!.hashValue])).toEqual(
      resources.filter((resource) => resource.path !== 'spdx.json').map((resource) => [resource.path, resource.hash.replace('sha256:', '')]),
    );

    const schemaPath = spdxSchemaPath();
    if (!schemaPath) {
      console.warn('SPDX 3.0.1 JSON schema not found (SPDX3_JSON_SCHEMA or ../shared/test-data/spdx/spdx-json-schema-v3.0.1.json): schema validation skipped');
      context.skip();
      return;
    }
    const schemaText = readFileSync(schemaPath);
    // The copy described in shared/test-data/spdx/README.md, unmodified.
    expect(createHash('sha256').update(schemaText).digest('hex')).toBe(SPDX_SCHEMA_SHA256);
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const validate = ajv.compile(JSON.parse(schemaText.toString('utf8')));
    expect(validate(document), JSON.stringify(validate.errors?.slice(0, 5))).toBe(true);
    // The validator can fail: a confidentiality level SPDX does not define is refused.
    const wrong = structuredClone(document);
    (wrong['@graph'] as Record<string, unknown>[]).find((element) => element.type === 'dataset_DatasetPackage')!.dataset_confidentialityLevel = 'public';
    expect(validate(wrong)).toBe(false);
  }, 120_000);

  it('the catalogue and datapackage.json name the research question and the vocabularies, with links', async () => {
    const catalogue = (await (await fetch(`${origin}/v1/datasets`)).json()) as { items: { id: string; catalogue: { researchQuestion: string; vocabularies: { id: string; url: string }[] } | null }[] };
    expect(catalogue.items.length).toBeGreaterThan(0);
    for (const dataset of catalogue.items) {
      expect(dataset.catalogue?.researchQuestion, dataset.id).toMatch(/\?|:/);
      expect(dataset.catalogue!.vocabularies.map((vocabulary) => vocabulary.id)).toContain('cosai-ws1-maturity-model');
      for (const vocabulary of dataset.catalogue!.vocabularies) expect(vocabulary.url).toMatch(/^https:\/\//);
    }
    const integrity = catalogue.items.find((dataset) => dataset.id === 'training-integrity-verification')!;
    expect(integrity.catalogue!.vocabularies.map((vocabulary) => vocabulary.id)).toEqual(['cosai-ws1-maturity-model', 'openssf-model-signing', 'slsa', 'in-toto']);
    expect(descriptor().catalogue).toEqual(catalogue.items.find((dataset) => dataset.id === 'ai-transfer-volume')!.catalogue);
  });
});
