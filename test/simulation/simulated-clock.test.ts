/**
 * The demo's clock: moved by the simulation (possibly from another thread, through the shared
 * buffer), never backwards, and following real time once the simulation is over.
 */
import { describe, expect, it } from 'vitest';
import { createFixedClock } from '../../src/deps';
import { createSimulatedClock, createSimulatedClockBuffer } from '../../src/simulation/simulated-clock';

describe('simulated clock', () => {
  it('is moved through one view and read through another, forwards only, then follows real time', () => {
    const real = createFixedClock(new Date('2026-11-29T10:00:00Z'));
    const buffer = createSimulatedClockBuffer(new Date('2026-01-01T00:00:00Z'));
    const service = createSimulatedClock(buffer, real);
    const simulation = createSimulatedClock(buffer, real);
    expect(service.now().toISOString()).toBe('2026-01-01T00:00:00.000Z');
    simulation.moveTo(new Date('2026-03-15T12:00:00Z'));
    expect(service.now().toISOString()).toBe('2026-03-15T12:00:00.000Z');
    simulation.moveTo(new Date('2026-02-01T00:00:00Z'));
    expect(service.now().toISOString()).toBe('2026-03-15T12:00:00.000Z');

    service.followRealTime();
    expect(service.now()).toEqual(real.now());
    real.advance(60_000);
    expect(simulation.now()).toEqual(real.now());
    expect(() => simulation.moveTo(new Date('2027-01-01T00:00:00Z'))).toThrow(/follows real time/);
  });

  it('never runs behind where it stood when real time is earlier', () => {
    const real = createFixedClock(new Date('2026-01-01T00:00:00Z'));
    const clock = createSimulatedClock(createSimulatedClockBuffer(new Date('2026-06-01T00:00:00Z')), real);
    clock.followRealTime();
    expect(clock.now().toISOString()).toBe('2026-06-01T00:00:00.000Z');
  });
});
