/**
 * A seeded synthetic coalition for the demo, the simulate command and benchmarks: organizations
 * (coalition.ts), their transfer events (transfer-traffic.ts), how membership changes over time
 * (coalition-timeline.ts), all drawn from one injected random source (simulation-random.ts).
 */
export { AI_CONTENT_CLASSES, type Coalition, createCoalition, SECTOR_PROFILES, type SimulatedOrganization } from './coalition';
export { type CoalitionTimeline, planCoalitionTimeline } from './coalition-timeline';
export { createSimulationRandom, type SimulationRandom } from './simulation-random';
export {
  aiContentShare,
  drawEventCount,
  generateTransferEvent,
  generateTransferEvents,
  type SimulatedTransferEvent,
  type TrafficWindow,
} from './transfer-traffic';
