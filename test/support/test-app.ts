/**
 * Builds the real app over a real database with test dependencies: a hand-moved clock, a seeded
 * random source, fixed secrets and a logger whose lines are captured for inspection.
 */
import { createApp } from '../../src/app';
import { type AppConfig, appConfigFrom, parseEnvironment } from '../../src/config';
import type { DialectName } from '../../src/db/database';
import { type AppDeps, createFixedClock } from '../../src/deps';
import { createJsonLogger } from '../../src/logging/json-logger';
import { generateSigningKeyPkcs8 } from '../../src/node/secrets-file';
import { createNodeStaticAssets } from '../../src/node/static-assets';
import { createSeededRandomSource } from '../../src/privacy/random-source';
import { ensureBootstrapAdmin } from '../../src/registry/registry-service';
import { createTestDatabase, type TestDatabase } from './test-database';

export const ADMIN_TOKEN = 'tagg_adm_test-bootstrap-admin-token-0123456789abcdef';
/**
 * The environment tests start from. Most scenarios are written around ISO weeks (TEST_START is in
 * 2026-W48) and are about something else than the period kind, so they pin PERIOD=week; the budget
 * per period is then derived from the default yearly budget (1/53). Tests of quarters, the default,
 * pass `environment: { PERIOD: 'quarter' }`.
 */
export const TEST_ENVIRONMENT = { APP_ENV: 'test', PERIOD: 'week' } as const;
/** A Thursday in the middle of ISO week 2026-W48. */
export const TEST_START = new Date('2026-11-26T12:00:00.000Z');

export interface TestApp {
  app: ReturnType<typeof createApp>;
  deps: AppDeps;
  clock: ReturnType<typeof createFixedClock>;
  logLines: string[];
  testDatabase: TestDatabase;
  dispose(): Promise<void>;
}

export async function createTestApp(
  options: {
    dialect?: Exclude<DialectName, 'd1'>;
    /** Environment variables over TEST_ENVIRONMENT, parsed as at start-up. */
    environment?: Record<string, string>;
    config?: Partial<AppConfig>;
    seed?: number;
    start?: Date;
  } = {},
): Promise<TestApp> {
  const testDatabase = await createTestDatabase(options.dialect ?? 'sqlite');
  const clock = createFixedClock(options.start ?? TEST_START);
  const logLines: string[] = [];
  const logger = createJsonLogger({ level: 'info', clock, sink: (line) => logLines.push(line) });
  const random = createSeededRandomSource(options.seed ?? 42);
  const pseudonymKey = new Uint8Array(32).fill(7);
  const deps: AppDeps = {
    config: { ...appConfigFrom(parseEnvironment({ ...TEST_ENVIRONMENT, ...options.environment })), ...options.config },
    database: testDatabase.database,
    clock,
    random,
    secrets: { pseudonymKey, signingKeyPkcs8: await generateSigningKeyPkcs8() },
    logger,
    assets: createNodeStaticAssets(),
  };
  await ensureBootstrapAdmin(deps, ADMIN_TOKEN);
  const app = createApp(deps);
  return { app, deps, clock, logLines, testDatabase, dispose: () => testDatabase.dispose() };
}

export function bearer(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

export async function requestJson(
  testApp: Pick<TestApp, 'app'>,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const response = await testApp.app.request(path, {
    method,
    headers: {
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(options.token ? bearer(options.token) : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { body: JSON.stringify(options.body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  // biome-ignore lint: test helper returns loosely typed JSON
  return { status: response.status, headers: response.headers, json: json as any, text };
}
