/**
 * Node only: what SIGTERM and SIGINT do. The server stops accepting connections at once, requests
 * in flight (an ingest batch being written, say) finish and get their answer, the release scheduler
 * finishes a running check, the database is closed, and the process exits 0. All of it is bounded:
 * after `timeoutMs` the remaining connections are cut and the process exits 1 (every write is one
 * atomic unit, so a cut request leaves nothing half-written; the client retries it). A second
 * signal exits at once.
 */
import type { Logger } from '../deps';

/** The part of node:http's Server used here (what @hono/node-server's `serve` returns on HTTP/1). */
export interface ClosableServer {
  close(callback?: (error?: Error) => void): unknown;
  closeIdleConnections?(): void;
  closeAllConnections?(): void;
}

export interface ShutdownOptions {
  server: ClosableServer;
  /** Runs after the server stopped serving: stop background work, close the database. */
  release: () => Promise<void>;
  timeoutMs: number;
  logger: Logger;
  exit: (code: number) => void;
  /** How often idle keep-alive connections are closed while requests drain (default 100 ms). */
  idleSweepMs?: number;
}

/** Returns the shutdown function; `installShutdownSignals` wires it to the process. */
export function createShutdown(options: ShutdownOptions): (reason: string) => void {
  let started = false;
  return (reason) => {
    if (started) {
      options.logger.warn('second shutdown signal: exiting now', { signal: reason });
      options.exit(1);
      return;
    }
    started = true;
    options.logger.info('shutting down: no new connections; finishing requests in flight', { signal: reason, timeoutMs: options.timeoutMs });
    const drained = new Promise<void>((resolve) => {
      options.server.close(() => resolve());
    });
    // Keep-alive connections with no request in flight would hold close() open until they time out.
    options.server.closeIdleConnections?.();
    const sweep = setInterval(() => options.server.closeIdleConnections?.(), options.idleSweepMs ?? 100);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), options.timeoutMs);
    });
    void (async () => {
      let code = 0;
      try {
        const finished = await Promise.race([drained.then(() => options.release()).then(() => 'done' as const), deadline]);
        if (finished === 'timeout') {
          code = 1;
          options.server.closeAllConnections?.();
          options.logger.warn('shutdown timed out: connections cut', { timeoutMs: options.timeoutMs });
        }
      } catch (error) {
        code = 1;
        options.logger.error('shutdown failed', { error: (error as Error).name });
      } finally {
        clearInterval(sweep);
        clearTimeout(timer);
      }
      if (code === 0) options.logger.info('stopped');
      options.exit(code);
    })();
  };
}

export function installShutdownSignals(shutdown: (reason: string) => void): void {
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}
