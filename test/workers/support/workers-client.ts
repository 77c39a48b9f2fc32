/**
 * Lets the shared HTTP fixtures (test/support/fixtures.ts) talk to a running Worker over real
 * HTTP, and wraps the test Worker's two test-only routes (clock, SQL).
 */
import type { TestApp } from '../../support/test-app';

/**
 * An object the shared fixtures accept in place of an in-process app: they only call
 * `app.request(path, init)`, which here becomes a fetch to the Worker.
 */
export function remoteApp(baseUrl: string): TestApp {
  const request = (path: string, init?: RequestInit) => fetch(new URL(path, baseUrl), init);
  // The fixtures are typed against the in-process app; they use nothing but `request`.
  return { app: { request } } as unknown as TestApp;
}

export interface WorkerProbe {
  /** Freezes the Worker's clock at `at` (undefined: back to the system clock). */
  setClock(at: Date | undefined): Promise<void>;
  /** Runs one statement on the D1 binding inside the Worker. */
  sql<Row = Record<string, unknown>>(statement: string, params?: unknown[]): Promise<Row[]>;
}

export function workerProbe(baseUrl: string): WorkerProbe {
  const post = async (path: string, body: unknown) => {
    const response = await fetch(new URL(path, baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as Record<string, unknown>;
    if (response.status !== 200) throw new Error(`${path} failed: ${JSON.stringify(json)}`);
    return json;
  };
  return {
    async setClock(at) {
      await post('/__test/clock', { at: at ? at.toISOString() : null });
    },
    async sql<Row>(statement: string, params: unknown[] = []) {
      return (await post('/__test/sql', { sql: statement, params })).rows as Row[];
    },
  };
}
