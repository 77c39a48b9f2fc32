/**
 * The application's one error type. Domain code throws AppError with a stable code; the HTTP layer
 * renders it as RFC 9457 problem+json using this table, and other entry points (CLI, cron) print it.
 */

export const PROBLEM_TYPES = {
  'invalid-request': { status: 400, title: 'The request is not valid' },
  'invalid-json': { status: 400, title: 'The body is not valid JSON' },
  unauthenticated: { status: 401, title: 'A valid bearer token is required' },
  forbidden: { status: 403, title: 'This credential may not use this route' },
  'consent-required': { status: 403, title: 'The organization has no active research-telemetry consent' },
  'not-found': { status: 404, title: 'No such resource' },
  'method-not-allowed': { status: 405, title: 'Method not allowed' },
  conflict: { status: 409, title: 'The request conflicts with the current state' },
  'period-not-releasable': { status: 409, title: 'The period cannot be released now' },
  'already-released': { status: 409, title: 'The period has already been released' },
  'yearly-budget-exceeded': { status: 409, title: 'The release would exceed the yearly privacy budget per organization' },
  'payload-too-large': { status: 413, title: 'The request body is too large' },
  'unsupported-media-type': { status: 415, title: 'Unsupported content type or encoding' },
  'rate-limited': { status: 429, title: 'Too many requests' },
  'internal-error': { status: 500, title: 'Internal error' },
  'store-busy': { status: 503, title: 'The store is busy; retry later' },
  'store-unavailable': { status: 503, title: 'The store cannot accept requests now; retry later' },
  'not-ready': { status: 503, title: 'The service is not ready' },
  'at-capacity': { status: 503, title: 'The service is serving as many public requests as it allows; retry shortly' },
} as const satisfies Record<string, { status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 429 | 500 | 503; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;


export class AppError extends Error {
  override name = 'AppError';
  constructor(
    readonly code: ProblemCode,
    readonly detail: string,
    readonly extensions: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(`${code}: ${detail}`);
  }
}
