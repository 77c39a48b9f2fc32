/**
 * Cloudflare Workers entry point: parse the bindings once per isolate, build the same app as the
 * Node server, serve `fetch`, and release due periods on the cron trigger (`scheduled`).
 * Nothing else lives here.
 */
import { createApp } from '../app';
import { recordPrivacyConfiguration } from '../audit/privacy-configuration';
import { parseEnvironment } from '../config';
import { type AppDeps, type Clock, systemClock } from '../deps';
import { ensureBootstrapAdmin } from '../registry/registry-service';
import { releaseDuePeriods } from '../releases/release-period';
import { createWorkersDeps } from './workers-deps';
import { stringBindings, type WorkersEnv, type WorkersExecutionContext, type WorkersScheduledController } from './workers-env';

interface IsolateRuntime {
  deps: AppDeps;
  app: ReturnType<typeof createApp>;
  /** RELEASE_SCHEDULER: whether the cron trigger releases due periods. */
  releaseScheduler: boolean;
  /** Resolves once the start-up writes are done (privacy configuration audited, bootstrap admin key); retried after a failure. */
  bootstrap(): Promise<void>;
}

/** How releases made by the cron trigger appear in the audit log. */
const CRON_ACTOR = { actorId: 'workers-cron', actorRole: 'system' };

export interface WorkerOptions {
  /** Tests substitute a clock they can move; production uses the system clock. */
  clock?: Clock;
}

/** Builds the Workers handler. The default export is the production one; tests build their own. */
export function createWorker(options: WorkerOptions = {}) {
  const clock = options.clock ?? systemClock;
  // One runtime per isolate (the env object is the same for every request an isolate serves).
  const runtimes = new WeakMap<WorkersEnv, IsolateRuntime>();

  const runtimeFor = (env: WorkersEnv): IsolateRuntime => {
    const existing = runtimes.get(env);
    if (existing) return existing;
    const parsed = parseEnvironment(stringBindings(env));
    const deps = createWorkersDeps(env, parsed, clock);
    let bootstrapped: Promise<void> | undefined;
    const runtime: IsolateRuntime = {
      deps,
      app: createApp(deps),
      releaseScheduler: parsed.RELEASE_SCHEDULER,
      bootstrap: () => {
        // What the Node server does once at start-up, done once per isolate: audit the privacy
        // configuration if it changed, and create the first admin key if configured.
        bootstrapped ??= (async () => {
          await recordPrivacyConfiguration(deps);
          return ensureBootstrapAdmin(deps, parsed.BOOTSTRAP_ADMIN_TOKEN);
        })().then(
          (created) => {
            if (created) deps.logger.info('bootstrap admin key created from BOOTSTRAP_ADMIN_TOKEN');
          },
          (error: unknown) => {
            // Typically migrations not applied yet: serve anyway (readyz says not ready) and retry later.
            bootstrapped = undefined;
            deps.logger.warn('start-up writes failed; will retry on the next request', { reason: String(error) });
          },
        );
        return bootstrapped;
      },
    };
    runtimes.set(env, runtime);
    return runtime;
  };

  /** A configuration error is the operator's to fix: log it with the variable's name, answer 500. */
  const startupFailure = (error: unknown): Response => {
    const reason = error instanceof Error ? error.message : String(error);
    console.error(JSON.stringify({ level: 'error', message: 'start-up failed', reason }));
    return new Response(JSON.stringify({ type: 'about:blank', title: 'Service misconfigured', status: 500 }), {
      status: 500,
      headers: { 'content-type': 'application/problem+json' },
    });
  };

  return {
    async fetch(request: Request, env: WorkersEnv, ctx: WorkersExecutionContext): Promise<Response> {
      let runtime: IsolateRuntime;
      try {
        runtime = runtimeFor(env);
      } catch (error) {
        return startupFailure(error);
      }
      await runtime.bootstrap();
      return runtime.app.fetch(request, env, ctx);
    },

    async scheduled(controller: WorkersScheduledController, env: WorkersEnv): Promise<void> {
      const runtime = runtimeFor(env);
      await runtime.bootstrap();
      if (!runtime.releaseScheduler) {
        runtime.deps.logger.info('cron trigger ignored: RELEASE_SCHEDULER=false', { cron: controller.cron });
        return;
      }
      // Idempotent and safe to overlap: a period is released once (the database's collect-once lock).
      // An unexpected failure is logged by releaseDuePeriods and rethrown, so the cron run shows as failed.
      const outcome = await releaseDuePeriods(runtime.deps, { actor: CRON_ACTOR });
      runtime.deps.logger.info('cron trigger ran', {
        cron: controller.cron,
        released: outcome.released.map((result) => result.period).join(','),
        skipped: outcome.skipped.map((skip) => `${skip.period}:${skip.reason}`).join(','),
      });
    },
  };
}

export default createWorker();
