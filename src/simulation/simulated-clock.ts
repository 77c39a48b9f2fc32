/**
 * The clock a demo service runs on: it stands still while the simulation moves it from tick to
 * tick (months of traffic in a minute), then follows real time from where it stands, so a service
 * left running after the simulation ages sessions, rate limits and due periods normally.
 */
import type { Clock } from '../deps';

export interface SimulatedClock extends Clock {
  /** Moves the clock to `at` (forwards only: a service's time never runs backwards). */
  moveTo(at: Date): void;
  /** From now on the clock runs with `real`, never earlier than where it stands. */
  followRealTime(): void;
}

export function createSimulatedClock(start: Date, real: Clock): SimulatedClock {
  let current = start.getTime();
  let following = false;
  return {
    now: () => new Date(following ? Math.max(current, real.now().getTime()) : current),
    moveTo: (at) => {
      if (following) throw new Error('the clock follows real time now; it cannot be moved');
      current = Math.max(current, at.getTime());
    },
    followRealTime: () => {
      following = true;
    },
  };
}
