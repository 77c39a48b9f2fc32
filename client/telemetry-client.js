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
export class TelemetryClientClosedError extends Error {
    name = 'TelemetryClientClosedError';
    constructor() {
        super('The telemetry client is closed; create a new one to send more events.');
    }
}
export class TelemetryApiError extends Error {
    status;
    problem;
    name = 'TelemetryApiError';
    constructor(status, problem) {
        super(problem ? `${status} ${problem.type}: ${problem.detail}` : `HTTP ${status}`);
        this.status = status;
        this.problem = problem;
    }
}
/** The newest telemetry contract version, which the client sends unless told otherwise. */
export const CURRENT_SCHEMA_VERSION = 2;
const RETRYABLE_STATUSES = new Set([429, 502, 503, 504]);
function jitterFraction() {
    const sample = new Uint32Array(1);
    crypto.getRandomValues(sample);
    return (sample[0] ?? 0) / 2 ** 32;
}
async function gzipText(text) {
    const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
}
function retryAfterMs(header) {
    if (!header)
        return undefined;
    const seconds = Number(header);
    if (Number.isFinite(seconds))
        return Math.max(0, seconds * 1000);
    const date = Date.parse(header);
    return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
export function createTelemetryClient(options) {
    const batchSize = Math.min(options.batchSize ?? 500, 1000);
    const maxAttempts = options.maxAttempts ?? 6;
    const baseDelayMs = options.baseDelayMs ?? 500;
    const maxDelayMs = options.maxDelayMs ?? 30_000;
    const doFetch = options.fetch ?? fetch;
    const sleep = options.sleep ?? ((milliseconds) => new Promise((resolve) => setTimeout(resolve, milliseconds)));
    const endpoint = `${options.baseUrl.replace(/\/$/, '')}/v1/telemetry/batches`;
    const flushIntervalMs = options.flushIntervalMs ?? 5000;
    const maxQueuedEvents = options.maxQueuedEvents ?? 100_000;
    const schemaVersion = options.schemaVersion ?? CURRENT_SCHEMA_VERSION;
    async function sendBatch(events) {
        const json = JSON.stringify({ schemaVersion, events });
        const body = options.gzip === false ? json : await gzipText(json);
        const headers = { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' };
        if (options.gzip !== false)
            headers['content-encoding'] = 'gzip';
        for (let attempt = 1;; attempt += 1) {
            const backoff = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1)) * (0.5 + jitterFraction() / 2);
            let response;
            try {
                response = await doFetch(endpoint, { method: 'POST', headers, body });
            }
            catch (networkError) {
                if (attempt >= maxAttempts)
                    throw networkError;
                await sleep(backoff);
                continue;
            }
            if (response.ok)
                return (await response.json());
            const problem = (await response.json().catch(() => undefined));
            if (!RETRYABLE_STATUSES.has(response.status) || attempt >= maxAttempts) {
                throw new TelemetryApiError(response.status, problem);
            }
            await sleep(retryAfterMs(response.headers.get('retry-after')) ?? backoff);
        }
    }
    function addOutcome(total, outcome, offset) {
        total.accepted += outcome.accepted;
        total.duplicates += outcome.duplicates;
        total.rejected.push(...outcome.rejected.map((rejection) => ({ ...rejection, index: rejection.index + offset })));
        for (const [field, count] of Object.entries(outcome.droppedFields)) {
            total.droppedFields[field] = (total.droppedFields[field] ?? 0) + count;
        }
    }
    // The queue: events wait in `queued`; full batches go out one after another on `sending`, and each
    // adds its answer to the outcome of the flush period it was queued in.
    const emptyFlushOutcome = () => ({ accepted: 0, duplicates: 0, rejected: [], droppedFields: {}, failed: 0, errors: [], discarded: 0 });
    let queued = [];
    let inFlight = 0;
    let sending = Promise.resolve();
    let outcome = emptyFlushOutcome();
    let queuedSinceFlush = 0;
    let timer;
    let closed = false;
    function dispatch(events) {
        const into = outcome;
        const offset = queuedSinceFlush - queued.length - events.length;
        inFlight += events.length;
        sending = sending.then(async () => {
            try {
                addOutcome(into, await sendBatch(events), offset);
            }
            catch (error) {
                into.failed += events.length;
                into.errors.push(error);
                options.onError?.(error, events);
            }
            finally {
                inFlight -= events.length;
            }
        });
    }
    function dispatchQueued(all) {
        if (timer !== undefined)
            clearTimeout(timer);
        timer = undefined;
        while (queued.length >= batchSize || (all && queued.length > 0)) {
            const events = queued.slice(0, batchSize);
            queued = queued.slice(events.length);
            dispatch(events);
        }
    }
    async function flush() {
        dispatchQueued(true);
        const finished = outcome;
        outcome = emptyFlushOutcome();
        queuedSinceFlush = 0;
        await sending;
        return finished;
    }
    return {
        /** Sends events in batches now; per-event rejections are returned, not thrown. */
        async send(events) {
            const total = { accepted: 0, duplicates: 0, rejected: [], droppedFields: {} };
            for (let offset = 0; offset < events.length; offset += batchSize) {
                addOutcome(total, await sendBatch(events.slice(offset, offset + batchSize)), offset);
            }
            return total;
        },
        /**
         * Queues one event; a full batch is sent in the background at once, a partial one after
         * flushIntervalMs. Returns false (and counts it in `discarded`) when maxQueuedEvents are already
         * waiting, for instance while the service is unreachable. Throws once the client is closed.
         */
        enqueue(event) {
            if (closed)
                throw new TelemetryClientClosedError();
            if (queued.length + inFlight >= maxQueuedEvents) {
                outcome.discarded += 1;
                return false;
            }
            queued.push(event);
            queuedSinceFlush += 1;
            if (queued.length >= batchSize)
                dispatchQueued(false);
            else if (timer === undefined && flushIntervalMs > 0) {
                timer = setTimeout(() => dispatchQueued(true), flushIntervalMs);
                // A pending timer must not keep a Node process alive on its own: close() is what sends the rest at exit.
                timer.unref?.();
            }
            return true;
        },
        /** Events queued and not yet answered. */
        get pending() {
            return queued.length + inFlight;
        },
        /** Sends everything queued and waits for every batch; resolves with what the batches since the previous flush came to. */
        flush,
        /** Flushes, then refuses further events. Safe to call more than once. */
        async close() {
            closed = true;
            return flush();
        },
    };
}
