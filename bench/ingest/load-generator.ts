/**
 * Load generator process for the ingest benchmark: sends pre-built batches to one or more servers with a
 * fixed number of requests in flight and prints one JSON line of results.
 * Args: --targets url,url --token T --batches N --batch-size M --concurrency C --seed S [--schema-version 2]
 *
 * Contract version 2 events (the default) come from the simulation's generator (src/simulation), one
 * simulated organization per run, with every identifier field filled; version 1 events from
 * bench/support/synthetic-telemetry.ts.
 */
import { parseArgs } from 'node:util';
import { seededUniform } from '../support/seeded-random';
import { quantileOfSorted } from '../support/statistics';
import { organizationProfile, syntheticEvent } from '../support/synthetic-telemetry';
import { createSeededRandomSource } from '../../src/privacy/random-source';
import { createCoalition, createSimulationRandom, generateTransferEvent } from '../../src/simulation';

const { values } = parseArgs({
  options: {
    targets: { type: 'string' },
    token: { type: 'string' },
    batches: { type: 'string', default: '200' },
    'batch-size': { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    seed: { type: 'string', default: '1' },
    'schema-version': { type: 'string', default: '2' },
  },
});

const targets = (values.targets ?? '').split(',').filter(Boolean);
const batchCount = Number(values.batches);
const batchSize = Number(values['batch-size']);
const concurrency = Number(values.concurrency);
const random = seededUniform(Number(values.seed));
const occurredAt = new Date().toISOString();
const profile = organizationProfile(random);

const schemaVersion = Number(values['schema-version']);
const nextEvent = (() => {
  if (schemaVersion === 1) return () => syntheticEvent(random, occurredAt, profile);
  const simulation = createSimulationRandom(createSeededRandomSource(Number(values.seed)));
  const now = new Date(occurredAt);
  const coalition = createCoalition(simulation, { organizations: 20, start: new Date(now.getTime() - 365 * 86_400_000) });
  const organization = coalition.organizations[0]!;
  return () => generateTransferEvent(simulation, coalition, organization, now);
})();
const bodies = Array.from({ length: batchCount }, () => JSON.stringify({ schemaVersion, events: Array.from({ length: batchSize }, nextEvent) }));

const latencies: number[] = [];
let next = 0;
let failures = 0;
let accepted = 0;

async function worker(workerIndex: number) {
  for (;;) {
    const index = next;
    next += 1;
    if (index >= bodies.length) return;
    const target = targets[(index + workerIndex) % targets.length];
    const started = performance.now();
    const response = await fetch(`${target}/v1/telemetry/batches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${values.token}`, 'content-type': 'application/json' },
      body: bodies[index] ?? '',
    });
    const result = (await response.json()) as { accepted?: number };
    latencies.push(performance.now() - started);
    if (response.status !== 200) failures += 1;
    accepted += result.accepted ?? 0;
  }
}

const started = performance.now();
await Promise.all(Array.from({ length: concurrency }, (_, index) => worker(index)));
const elapsedSeconds = (performance.now() - started) / 1000;
latencies.sort((a, b) => a - b);
console.log(
  JSON.stringify({
    events: batchCount * batchSize,
    accepted,
    failures,
    elapsedSeconds,
    eventsPerSecond: (batchCount * batchSize) / elapsedSeconds,
    p50Ms: quantileOfSorted(latencies, 0.5),
    p99Ms: quantileOfSorted(latencies, 0.99),
  }),
);
