/**
 * Node only: the in-process release scheduler. It releases every due period when the server starts
 * (so periods that fell due while it was down are caught up) and then checks again every few
 * minutes. It is safe to run in several instances against one PostgreSQL database: the period lock
 * lets one of them release and the others skip. Workers uses a cron trigger calling the same
 * `releaseDuePeriods` instead.
 */
import { type DueReleaseOutcome, releaseDuePeriods, type ReleaseDeps } from '../releases/release-period';

export interface SchedulerTimers {
  setTimeout(run: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export interface ReleaseScheduler {
  /** Runs one check now (unless one is running) and resolves with its outcome. */
  runOnce(): Promise<DueReleaseOutcome | undefined>;
  /** Stops the timer and waits for a running check to finish. */
  stop(): Promise<void>;
}

/** A period falls due at most this long before it is released. */
export const DEFAULT_CHECK_INTERVAL_MS = 5 * 60_000;

const nodeTimers: SchedulerTimers = {
  setTimeout: (run, ms) => {
    const handle = setTimeout(run, ms);
    handle.unref(); // the scheduler never keeps the process alive on its own
    return handle;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export function startReleaseScheduler(
  deps: ReleaseDeps,
  options: { intervalMs?: number; timers?: SchedulerTimers } = {},
): ReleaseScheduler {
  const intervalMs = options.intervalMs ?? DEFAULT_CHECK_INTERVAL_MS;
  const timers = options.timers ?? nodeTimers;
  const actor = { actorId: 'release-scheduler', actorRole: 'system' };
  let stopped = false;
  let running: Promise<DueReleaseOutcome | undefined> | undefined;
  let timer: unknown;

  const check = async (): Promise<DueReleaseOutcome | undefined> => {
    try {
      const outcome = await releaseDuePeriods(deps, { actor });
      if (outcome.released.length > 0 || outcome.skipped.length > 0) {
        deps.logger.info('release scheduler ran', {
          released: outcome.released.map((result) => result.period).join(','),
          skipped: outcome.skipped.map((skip) => `${skip.period}:${skip.reason}`).join(','),
        });
      }
      return outcome;
    } catch (error) {
      // Already logged with its period by releaseDuePeriods; the next check tries again.
      deps.logger.error('release scheduler check failed', { error: (error as Error).name });
      return undefined;
    }
  };

  const runOnce = () => {
    running ??= check().finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = () => {
    if (stopped) return;
    timer = timers.setTimeout(() => {
      void runOnce().finally(schedule);
    }, intervalMs);
  };

  void runOnce().finally(schedule);

  return {
    runOnce,
    stop: async () => {
      stopped = true;
      if (timer !== undefined) timers.clearTimeout(timer);
      await running;
    },
  };
}
