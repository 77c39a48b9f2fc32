/**
 * The SDK's queue against a real HTTP server: events queued with enqueue() go out in full batches
 * in the background, a partial batch after the flush interval, and flush()/close() send the rest and
 * report what every batch came to; failures are reported, not thrown at the caller's hot path.
 */
import type { AddressInfo } from 'node:net';
import { serve, type ServerType } from '@hono/node-server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTelemetryClient, TelemetryApiError, TelemetryClientClosedError } from '../../src/sdk/telemetry-client';
import { type ConsentingOrg, registerConsentingOrg, testEventId, transferEventV2 } from '../support/fixtures';
import { createTestApp, type TestApp } from '../support/test-app';

describe('telemetry client queue: enqueue, flush and close', () => {
  let testApp: TestApp;
  let server: ServerType;
  let baseUrl: string;
  let org: ConsentingOrg;
  let requests: number;
  const countingFetch: typeof fetch = (input, init) => {
    requests += 1;
    return fetch(input, init);
  };
  let eventNumber = 0;
  const nextEvent = (overrides: Record<string, unknown> = {}) => transferEventV2({ eventId: testEventId(500_000 + ++eventNumber), ...overrides });

  beforeEach(async () => {
    requests = 0;
    testApp = await createTestApp();
    org = await registerConsentingOrg(testApp);
    server = serve({ fetch: testApp.app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    await testApp.dispose();
  });

  it('sends full batches in the background and the rest on flush(), with rejections indexed in queue order', async () => {
    const client = createTelemetryClient({ baseUrl, token: org.ingestToken, batchSize: 3, flushIntervalMs: 0, fetch: countingFetch });
    for (let n = 0; n < 7; n += 1) expect(client.enqueue(n === 4 ? nextEvent({ transfer: 'not an object' }) : nextEvent())).toBe(true);
    // Two full batches left on their own; the seventh event waits for flush().
    await expect.poll(() => requests).toBe(2);
    expect(client.pending).toBeGreaterThanOrEqual(1);
    const outcome = await client.flush();
    expect(requests).toBe(3);
    expect(client.pending).toBe(0);
    expect(outcome).toMatchObject({ accepted: 6, duplicates: 0, failed: 0, errors: [], discarded: 0, droppedFields: { 'actor.email': 7 } });
    expect(outcome.rejected).toEqual([expect.objectContaining({ index: 4, code: 'invalid_event' })]);
    // The next flush reports only what was queued after this one.
    client.enqueue(nextEvent());
    expect(await client.flush()).toMatchObject({ accepted: 1, rejected: [] });
  });

  it('sends a partial batch after the flush interval without being asked', async () => {
    const client = createTelemetryClient({ baseUrl, token: org.ingestToken, batchSize: 100, flushIntervalMs: 50, fetch: countingFetch });
    client.enqueue(nextEvent());
    client.enqueue(nextEvent());
    await expect.poll(() => requests, { timeout: 5000 }).toBe(1);
    await expect.poll(() => client.pending).toBe(0);
    expect(await client.flush()).toMatchObject({ accepted: 2 });
    expect(requests).toBe(1);
  });

  it('close() sends what is queued and refuses further events', async () => {
    const client = createTelemetryClient({ baseUrl, token: org.ingestToken, batchSize: 50, fetch: countingFetch });
    for (let n = 0; n < 5; n += 1) client.enqueue(nextEvent());
    expect(await client.close()).toMatchObject({ accepted: 5, failed: 0 });
    expect(() => client.enqueue(nextEvent())).toThrow(TelemetryClientClosedError);
    expect(await client.close()).toMatchObject({ accepted: 0 });
  });

  it('reports batches that fail for good to onError and in the outcome, and discards beyond maxQueuedEvents', async () => {
    const failures: { error: unknown; events: number }[] = [];
    const client = createTelemetryClient({
      baseUrl,
      token: 'tagg_ing_revoked_or_unknown_token_000000',
      batchSize: 2,
      flushIntervalMs: 0,
      maxQueuedEvents: 3,
      sleep: async () => {},
      onError: (error, events) => failures.push({ error, events: events.length }),
    });
    const queuedFlags = [1, 2, 3, 4].map(() => client.enqueue(nextEvent()));
    expect(queuedFlags).toEqual([true, true, true, false]);
    const outcome = await client.flush();
    expect(outcome).toMatchObject({ accepted: 0, failed: 3, discarded: 1 });
    expect(outcome.errors).toHaveLength(2);
    expect(outcome.errors[0]).toBeInstanceOf(TelemetryApiError);
    expect((outcome.errors[0] as TelemetryApiError).problem?.type).toBe('/problems/unauthenticated');
    expect(failures.map((failure) => failure.events)).toEqual([2, 1]);
  });
});
