/**
 * Client SDK for product instances. It splits events into batches under the service's limits,
 * gzips them, and retries only what is safe to retry: 429 and 503 (honouring Retry-After) and
 * network failures, with capped exponential back-off and jitter. Retrying never double-counts,
 * because the service deduplicates by eventId. Other 4xx answers are not retried: they are raised
 * as TelemetryApiError carrying the problem document's stable `type`.
 *
 * Two ways to send: `send(events)` sends now and resolves with the service's answer; `enqueue(event)`
 * buffers, sends a batch in the background whenever one is full or `flushIntervalMs` after the first
 * queued event, one batch at a time and in order; `flush()` sends what is queued and waits for every
 * batch, and `close()` flushes and refuses further events (call it when the product shuts down).
 *
 * Imported by product teams as `ai-transfer-telemetry-aggregator/client` (a JavaScript build with
 * types is generated from this file into client/ by `npm run build:client`).
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
    /** Queued events are sent this long after the first of them was queued (default 5,000 ms); 0 sends only full batches and on flush(). */
    flushIntervalMs?: number;
    /** Most events queued or in flight; enqueue() discards events beyond it and counts them (default 100,000). */
    maxQueuedEvents?: number;
    /**
     * Contract version the events follow (default 2, the current one: integrity evidence, artifact
     * class and chain of custody). Products still building version 1 events pass 1; the service
     * accepts both. See /schemas/transfer-event.v2.schema.json.
     */
    schemaVersion?: 1 | 2;
    /** Called when a queued batch fails for good (a problem that is not retried, or every attempt failed). */
    onError?: (error: unknown, events: readonly unknown[]) => void;
}
export interface BatchOutcome {
    accepted: number;
    duplicates: number;
    rejected: {
        index: number;
        code: string;
        detail: string;
    }[];
    droppedFields: Record<string, number>;
}
export interface ProblemBody {
    type: string;
    title: string;
    status: number;
    detail: string;
    [extension: string]: unknown;
}
/** What the batches sent since the previous flush() came to; rejection indexes count events in the order they were queued. */
export interface FlushOutcome extends BatchOutcome {
    /** Events of batches that failed for good (their errors are in `errors`). Re-sending them later is safe. */
    failed: number;
    errors: unknown[];
    /** Events enqueue() refused because maxQueuedEvents were already waiting. */
    discarded: number;
}
export declare class TelemetryClientClosedError extends Error {
    name: string;
    constructor();
}
export declare class TelemetryApiError extends Error {
    readonly status: number;
    readonly problem: ProblemBody | undefined;
    name: string;
    constructor(status: number, problem: ProblemBody | undefined);
}
/** The newest telemetry contract version, which the client sends unless told otherwise. */
export declare const CURRENT_SCHEMA_VERSION = 2;
export declare function createTelemetryClient(options: TelemetryClientOptions): {
    /** Sends events in batches now; per-event rejections are returned, not thrown. */
    send(events: readonly unknown[]): Promise<BatchOutcome>;
    /**
     * Queues one event; a full batch is sent in the background at once, a partial one after
     * flushIntervalMs. Returns false (and counts it in `discarded`) when maxQueuedEvents are already
     * waiting, for instance while the service is unreachable. Throws once the client is closed.
     */
    enqueue(event: unknown): boolean;
    /** Events queued and not yet answered. */
    readonly pending: number;
    /** Sends everything queued and waits for every batch; resolves with what the batches since the previous flush came to. */
    flush: () => Promise<FlushOutcome>;
    /** Flushes, then refuses further events. Safe to call more than once. */
    close(): Promise<FlushOutcome>;
};
export type TelemetryClient = ReturnType<typeof createTelemetryClient>;
