/**
 * The small interfaces the application depends on. Entry points (src/node, src/workers) build real
 * implementations; tests build deterministic ones. Nothing outside the entry points reads the
 * environment, the wall clock or a global random source.
 */
import type { AppConfig } from './config';
import type { Database } from './db/database';
import type { RandomSource } from './privacy/random-source';
import type { DatasetSpec } from './datasets/dataset-spec';

export interface Clock {
  now(): Date;
}

export type LogFields = Record<string, string | number | boolean | null | undefined>;

/**
 * Structured logger. Callers pass only operational fields (request id, route pattern, status,
 * counts); never request bodies, IP addresses or telemetry values.
 */
export interface Logger {
  info(message: string, fields?: LogFields): void;
  warn(message: string, fields?: LogFields): void;
  error(message: string, fields?: LogFields): void;
}

export interface Secrets {
  /** Key for the keyed hashes that pseudonymize contributors and event ids. Never stored in the database. */
  pseudonymKey: Uint8Array;
  /** Ed25519 private key (PKCS#8 DER) that signs release packages. */
  signingKeyPkcs8: Uint8Array;
}

/** A static file the consoles serve (e.g. Chart.js), read from node_modules on Node and bundled on Workers. */
export interface StaticAsset {
  body: string;
  contentType: string;
}

/**
 * Vendored browser files by public name (`chart.umd.min.js`); undefined for an unknown name. Lets
 * `/console/assets/<name>` work without the app reading the file system (Workers has none).
 */
export interface StaticAssets {
  get(name: string): Promise<StaticAsset | undefined>;
}

export interface AppDeps {
  config: AppConfig;
  database: Database;
  clock: Clock;
  random: RandomSource;
  secrets: Secrets;
  logger: Logger;
  assets: StaticAssets;
  /** Dataset specs to publish; defaults to the validated specs shipped in schemas/datasets/ (tests inject their own). */
  datasets?: readonly DatasetSpec[];
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock tests can move by hand. */
export function createFixedClock(start: Date): Clock & { set(at: Date): void; advance(ms: number): void } {
  let current = new Date(start);
  return {
    now: () => new Date(current),
    set: (at) => {
      current = new Date(at);
    },
    advance: (ms) => {
      current = new Date(current.getTime() + ms);
    },
  };
}
