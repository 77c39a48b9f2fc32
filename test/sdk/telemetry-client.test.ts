import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelemetryClient, TelemetryApiError } from '../../src/sdk/telemetry-client';
import { registerConsentingOrg, testEventId, transferEventV2, type ConsentingOrg } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

describe('telemetry client SDK against a real HTTP server', () => {
  let testApp: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let org: ConsentingOrg;

  beforeEach(async () => {
    testApp = await createTestApp({ config: { ingestRatePerMinute: 2 } });
    org = await registerConsentingOrg(testApp);
    server = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await testApp.dispose();
  });

  it('splits into gzip batches, waits out 429 Retry-After, and never double-counts', async () => {
    const waits: number[] = [];
    const client = createTelemetryClient({
      baseUrl,
      token: org.ingestToken,
      batchSize: 2,
      // The service's clock is the test clock: sleeping advances it, so the rate bucket refills.
      sleep: async (milliseconds) => {
        waits.push(milliseconds);
        testApp.clock.advance(milliseconds);
      },
    });
    const events = [1, 2, 3, 4, 5].map((n) => transferEventV2({ eventId: testEventId(n) }));
    events.push(transferEventV2({ eventId: 'bad' }));
    const outcome = await client.send(events);
    expect(outcome).toMatchObject({ accepted: 5, duplicates: 0, droppedFields: { 'actor.email': 6 } });
    expect(outcome.rejected).toEqual([expect.objectContaining({ index: 5, code: 'invalid_event' })]);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits.every((wait) => wait >= 1000)).toBe(true);
    const again = await client.send(events.slice(0, 2));
    expect(again).toMatchObject({ accepted: 0, duplicates: 2 });
  });

  it('raises non-retryable problems with their stable type', async () => {
    const client = createTelemetryClient({ baseUrl, token: 'tagg_ing_revoked_or_unknown_token_000000', sleep: async () => {} });
    const error = await client.send([transferEventV2()]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TelemetryApiError);
    expect((error as TelemetryApiError).problem?.type).toBe('/problems/unauthenticated');
  });
});
