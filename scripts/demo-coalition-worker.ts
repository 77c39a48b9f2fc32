/**
 * The demo's coalition, in a worker thread so that generating and sending its traffic (JSON, gzip,
 * HTTP) runs on one core while the service answers on another. It talks to the service only over
 * HTTP, moves the service's simulated clock through the shared buffer, and reports progress and the
 * final summary to the main thread (scripts/demo.ts).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type CoalitionProgress, type CoalitionRunSummary, runCoalition } from '../src/coalition-driver/coalition-runner';
import { createAdminClient } from '../src/coalition-driver/service-admin-client';
import { systemClock } from '../src/deps';
import type { Period } from '../src/periods/period';
import { createSeededRandomSource } from '../src/privacy/random-source';
import { createCoalition, createSimulationRandom, planCoalitionTimeline } from '../src/simulation';
import { createSimulatedClock } from '../src/simulation/simulated-clock';
import { simulationTicks } from '../src/simulation/simulation-schedule';

export interface DemoCoalitionJob {
  baseUrl: string;
  adminToken: string;
  clockBuffer: SharedArrayBuffer;
  periods: Period[];
  ticksPerPeriod: number;
  graceMs: number;
  organizations: number;
  eventsPerOrganizationPerPeriod: number;
  seed: number;
}

export type DemoCoalitionMessage = { type: 'progress'; progress: CoalitionProgress } | { type: 'done'; summary: CoalitionRunSummary };

const job = workerData as DemoCoalitionJob;
const post = (message: DemoCoalitionMessage) => parentPort!.postMessage(message);
const clock = createSimulatedClock(job.clockBuffer, systemClock);
const random = createSimulationRandom(createSeededRandomSource(job.seed));
const coalition = createCoalition(random, { organizations: job.organizations, start: job.periods[0]!.start });
const timeline = planCoalitionTimeline(random, job.organizations);

const summary = await runCoalition({
  baseUrl: job.baseUrl,
  admin: createAdminClient({ baseUrl: job.baseUrl, token: job.adminToken }),
  coalition,
  timeline,
  random,
  ticks: simulationTicks(job.periods, job.ticksPerPeriod),
  meanEventsPerOrganizationPerPeriod: job.eventsPerOrganizationPerPeriod,
  time: { kind: 'simulated', moveTo: (at) => clock.moveTo(at), graceMs: job.graceMs },
  onProgress: (progress) => post({ type: 'progress', progress }),
});
post({ type: 'done', summary });
