/**
 * The clock a demo service runs on: it stands still while the simulation moves it from tick to
 * tick (months of traffic in a minute), then follows real time from where it stands, so a service
 * left running after the simulation ages sessions, rate limits and due periods normally.
 *
 * Its state lives in a SharedArrayBuffer, so the simulation can run in a worker thread (its own
 * core) and move the clock of the service that answers in the main thread. Each thread makes its
 * own view of the same buffer with `createSimulatedClock(buffer, ...)`.
 */
import type { Clock } from '../deps';

export interface SimulatedClock extends Clock {
  /** Moves the clock to `at` (forwards only: a service's time never runs backwards). */
  moveTo(at: Date): void;
  /** From now on the clock runs with the real clock, never earlier than where it stands. */
  followRealTime(): void;
}

const TIME = 0;
const FOLLOWING = 1;

/** The shared state: the simulated time in milliseconds, and whether the clock follows real time. */
export function createSimulatedClockBuffer(start: Date): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT);
  Atomics.store(new BigInt64Array(buffer), TIME, BigInt(start.getTime()));
  return buffer;
}

/** A view of the clock in `buffer`; `real` is what it follows once `followRealTime` was called (in any thread). */
export function createSimulatedClock(buffer: SharedArrayBuffer, real: Clock): SimulatedClock {
  const state = new BigInt64Array(buffer);
  const standing = () => Number(Atomics.load(state, TIME));
  return {
    now: () => {
      const at = standing();
      return new Date(Atomics.load(state, FOLLOWING) === 1n ? Math.max(at, real.now().getTime()) : at);
    },
    moveTo: (at) => {
      if (Atomics.load(state, FOLLOWING) === 1n) throw new Error('the clock follows real time now; it cannot be moved');
      // One thread moves the clock; others only read it.
      Atomics.store(state, TIME, BigInt(Math.max(standing(), at.getTime())));
    },
    followRealTime: () => {
      Atomics.store(state, FOLLOWING, 1n);
    },
  };
}
