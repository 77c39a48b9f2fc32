/**
 * Client SDK for product instances. It splits events into batches under the service's limits,
 * gzips them, and retries only what is safe to retry: 429 and 503 (honouring Retry-After) and
 * network failures, with capped exponential back-off and jitter. Retrying never double-counts,
 * because the service deduplicates by eventId. Other 4xx answers are not retried: they are raised
 * as TelemetryApiError carrying the problem document's stable `type`.
 *
 * Runtime-neutral (fetch, CompressionStream, crypto.getRandomValues), so it runs in Node 22+,
 * Workers, Deno and browsers.
 */

export interface TelemetryClientOptions {
  baseUrl: string;
  token: string;
  /** Events per request; the service accepts at most 1,000 (default 500). */
  batchSize?: number;
  gzip?: boolean;
  /** Attempts per batch, first included (default 6). */
  maxAttempts?: number;
  /** First back-off delay; doubles each attempt up to maxDelayMs (defaults 500 ms and 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  fetch?: typeof fetch;
  sleep?: (milliseconds: number) => Promise<void>;
}

export interface BatchOutcome {
  accepted: number;
  duplicates: number;
  rejected: { index: number; code: string; detail: string }[];
  droppedFields: Record<string, number>;
}

export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  [extension: string]: unknown;
}

export class TelemetryApiError extends Error {
  override name = 'TelemetryApiError';
  constructor(
    readonly status: number,
    readonly problem: ProblemBody | undefined,
  ) {
    super(problem ? `${status} ${problem.type}: ${problem.detail}` : `HTTP ${status}`);
  }
}

const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);

function jitterFraction(): number {
  const sample = new Uint32Array(1);
  crypto.getRandomValues(sample);
  return (sample[0] ?? 0) / 2 ** 32;
}

async function gzipText(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function createTelemetryClient(options: TelemetryClientOptions) {
  const batchSize = Math.min(options.batchSize ?? 500, 1000);
  const maxAttempts = options.maxAttempts ?? 6;
  const baseDelayMs = options.baseDelayMs ?? 500;
  const maxDelayMs = options.maxDelayMs ?? 30_000;
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const endpoint = `${options.baseUrl.replace(/\/$/, '')}/v1/telemetry/batches`;

  async function sendBatch(events: readonly unknown[]): Promise<BatchOutcome> {
    const json = JSON.stringify({ schemaVersion: 1, events });
    const body = options.gzip === false ? json : await gzipText(json);
    const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
    if (options.gzip !== false) headers['content-encoding'] = 'gzip';
    for (let attempt = 1; ; attempt += 1) {
      const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + jitterFraction() / 2);
      let response: Response;
      try {
        response = await doFetch(endpoint, { method: 'POST', headers, body });
      } catch (networkError) {
        if (attempt >= maxAttempts) throw networkError;
        await sleep(backoff);
        continue;
      }
      if (response.ok) return (await response.json()) as BatchOutcome;
      const problem = (await response.json().catch(() => undefined)) as ProblemBody | undefined;
      if (!RETRYABLE_STATUSES.has(response.status) || attempt >= maxAttempts) {
        throw new TelemetryApiError(response.status, problem);
      }
      await sleep(retryAfterMs(response.headers.get('retry-after')) ?? backoff);
    }
  }

  return {
    /** Sends events in batches; per-event rejections are returned, not thrown. */
    async send(events: readonly unknown[]): Promise<BatchOutcome> {
      const total: BatchOutcome = { accepted: 0, duplicates: 0, rejected: [], droppedFields: {} };
      for (let offset = 0; offset < events.length; offset += batchSize) {
        const outcome = await sendBatch(events.slice(offset, offset + batchSize));
        total.accepted += outcome.accepted;
        total.duplicates += outcome.duplicates;
        total.rejected.push(...outcome.rejected.map((rejection) => ({ ...rejection, index: rejection.index + offset })));
        for (const [field, count] of Object.entries(outcome.droppedFields)) {
          total.droppedFields[field] = (total.droppedFields[field] ?? 0) + count;
        }
      }
      return total;
    },
  };
}
