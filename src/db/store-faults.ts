/**
 * What a storage error means for the caller. Busy and unreachable stores clear by themselves, so a
 * retry a moment later succeeds; a full disk, a read-only file system or an I/O error needs the
 * operator first. None of them is a bug, so none of them may answer 500: every kind maps to 503
 * with a Retry-After and a readiness reason (src/http/problem.ts, /readyz).
 */
export type StoreFaultKind = 'busy' | 'unreachable' | 'disk-full' | 'read-only' | 'io-error';

/** PostgreSQL SQLSTATEs for lock conflicts, cancellations and overload: retry and it passes. */
const POSTGRES_BUSY = new Set(['40001', '40P01', '55P03', '57014', '53300', '57P03']);
/**
 * Connection lost or refused: class 08, and 57P01/57P02 (the backend was terminated by an
 * administrator or a shutdown, e.g. pg_terminate_backend or a restart).
 */
const POSTGRES_GONE = /^(08|57P01|57P02)/;
/** Socket-level codes node-postgres passes through when the server or the network goes away. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_LOST_MESSAGE =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Client has encountered a connection error|Client was closed and is not queryable|terminating connection due to administrator command|server closed the connection unexpectedly/i;
/** PostgreSQL out of space: disk_full, out_of_memory-like resource errors (class 53 except 53300). */
const POSTGRES_FULL = new Set(['53100', '53200', '53400']);

export function classifyStoreFault(error: unknown): StoreFaultKind | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') {
    if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) return 'busy';
    if (code === 'SQLITE_FULL') return 'disk-full';
    if (code.startsWith('SQLITE_READONLY')) return 'read-only';
    if (code.startsWith('SQLITE_IOERR') || code.startsWith('SQLITE_CANTOPEN')) return 'io-error';
    if (POSTGRES_BUSY.has(code)) return 'busy';
    if (POSTGRES_FULL.has(code)) return 'disk-full';
    if (code === '25006') return 'read-only';
    if (POSTGRES_GONE.test(code) || NETWORK_CODES.has(code)) return 'unreachable';
    if (code.startsWith('58')) return 'io-error';
  }
  if (/database is locked|D1_ERROR: .*(overloaded|busy)/i.test(error.message)) return 'busy';
  if (CONNECTION_LOST_MESSAGE.test(error.message)) return 'unreachable';
  return undefined;
}

/** Seconds a client should wait before retrying, by kind: an operator has to act on the last three. */
export const RETRY_AFTER_SECONDS: Record<StoreFaultKind, number> = {
  busy: 2,
  unreachable: 5,
  'disk-full': 30,
  'read-only': 30,
  'io-error': 30,
};

/** What /readyz and problem details say, and what the operator does about it. */
export const STORE_FAULT_ADVICE: Record<StoreFaultKind, string> = {
  busy: 'The store is momentarily busy.',
  unreachable: 'The database is unreachable; connections are reopened as soon as it is back.',
  'disk-full': 'The database disk is full; ingest resumes by itself once space is freed on the data volume.',
  'read-only': 'The database is read-only (file system or data directory not writable); ingest resumes once it is writable again.',
  'io-error': 'The database reported an I/O error; check the data volume. Ingest resumes once writes succeed.',
};

/**
 * The last write fault seen by this process, so /readyz can report a fault that a read probe cannot
 * see (a full disk still answers `select 1`). A successful atomic write clears it; otherwise it is
 * reported for `FAULT_MEMORY_MS`, after which readiness lets traffic probe again.
 */
export const FAULT_MEMORY_MS = 15_000;

export interface StoreHealth {
  recordFault(kind: StoreFaultKind, atMs: number): void;
  recordSuccess(): void;
  currentFault(nowMs: number): { kind: StoreFaultKind; sinceMs: number } | undefined;
}

export function createStoreHealth(): StoreHealth {
  let fault: { kind: StoreFaultKind; sinceMs: number; lastMs: number } | undefined;
  return {
    recordFault(kind, atMs) {
      if (kind === 'busy') return;
      fault = fault && fault.kind === kind ? { ...fault, lastMs: atMs } : { kind, sinceMs: atMs, lastMs: atMs };
    },
    recordSuccess() {
      fault = undefined;
    },
    currentFault(nowMs) {
      if (!fault || nowMs - fault.lastMs > FAULT_MEMORY_MS) return undefined;
      return { kind: fault.kind, sinceMs: fault.sinceMs };
    },
  };
}
