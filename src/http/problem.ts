/**
 * One error type, one code -> status table, one renderer. Every error response is RFC 9457
 * `application/problem+json` with a stable `type` (a relative URI under /problems/ that serves its
 * documentation), so clients can branch on `type` instead of parsing prose. Details never carry
 * stack traces, SQL, or submitted values.
 */
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { matchedRoutes } from 'hono/route';
import { RETRY_AFTER_SECONDS, STORE_FAULT_ADVICE, type StoreFaultKind } from '../db/store-faults';
import type { Logger } from '../deps';
import { AppError, PROBLEM_TYPES, type ProblemCode } from '../errors';

export { AppError, PROBLEM_TYPES, type ProblemCode };

export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  requestId?: string;
  errors?: { path: string; message: string }[];
  [extension: string]: unknown;
}

/**
 * The pattern of the route that matched (`/v1/orgs/:orgId/erasure`), never the raw path: a path
 * carries submitted ids, and a problem body echoes no input. Undefined when no route matched.
 */
export function routePatternOf(c: Context): string | undefined {
  try {
    const handlerRoute = matchedRoutes(c).findLast((route) => route.method !== 'ALL');
    return handlerRoute?.path;
  } catch {
    return undefined;
  }
}

export function problemTypeUri(code: ProblemCode): string {
  return `/problems/${code}`;
}

export function problemResponse(
  c: Context,
  code: ProblemCode,
  detail: string,
  extensions: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Response {
  const { status, title } = PROBLEM_TYPES[code];
  const requestId = c.get('requestId') as string | undefined;
  const instance = routePatternOf(c);
  const body: ProblemDocument = {
    type: problemTypeUri(code),
    title,
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...(requestId ? { requestId } : {}),
    ...extensions,
  };
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/problem+json', ...headers },
  });
}

/** Maps an HTTPException raised by Hono middleware (body limit, etc.) to one of our codes. */
function codeForHttpStatus(status: number): ProblemCode {
  switch (status) {
    case 400:
      return 'invalid-request';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'forbidden';
    case 404:
      return 'not-found';
    case 405:
      return 'method-not-allowed';
    case 413:
      return 'payload-too-large';
    case 415:
      return 'unsupported-media-type';
    case 429:
      return 'rate-limited';
    case 503:
      return 'not-ready';
    default:
      return status >= 500 ? 'internal-error' : 'invalid-request';
  }
}

/**
 * `classify` says which store faults are not bugs (busy, unreachable, full, read-only); those answer
 * 503 with a Retry-After and are reported to `onStoreFault` (readiness remembers them).
 */
export function createErrorHandler(
  logger: Logger,
  classify: (error: unknown) => StoreFaultKind | undefined,
  onStoreFault?: (kind: StoreFaultKind) => void,
) {
  return (error: Error, c: Context): Response => {
    if (error instanceof AppError) {
      return problemResponse(c, error.code, error.detail, error.extensions, error.headers);
    }
    if (error instanceof HTTPException) {
      const code = codeForHttpStatus(error.status);
      return problemResponse(c, code, PROBLEM_TYPES[code].title);
    }
    const fault = classify(error);
    if (fault) {
      onStoreFault?.(fault);
      const retryAfter = String(RETRY_AFTER_SECONDS[fault]);
      // The driver's code names the real cause (SQLITE_FULL, ECONNRESET, 57P01); messages of store
      // errors carry no submitted values, only the driver's wording.
      const cause = { requestId: c.get('requestId') as string | undefined, fault, code: driverCode(error), reason: error.message.slice(0, 200) };
      if (fault === 'busy') {
        logger.warn('store busy', cause);
        return problemResponse(c, 'store-busy', 'The store is momentarily busy. Retry after the indicated delay.', {}, { 'retry-after': retryAfter });
      }
      logger.error('store unavailable', cause);
      return problemResponse(
        c,
        'store-unavailable',
        `${STORE_FAULT_ADVICE[fault]} Nothing of this request was stored; retry after the indicated delay. GET /readyz shows when the store is back.`,
        { reason: fault },
        { 'retry-after': retryAfter },
      );
    }
    // Unknown errors: log the class and message for operators (never bodies), return nothing internal.
    logger.error('unhandled error', {
      requestId: c.get('requestId') as string | undefined,
      error: error.name,
      message: error.message.slice(0, 300),
    });
    return problemResponse(c, 'internal-error', 'An internal error occurred. Quote the request id when reporting it.');
  };
}

function driverCode(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code.slice(0, 40) : undefined;
}

/** Formats zod issues without echoing submitted values (they may be identifiers). */
export function describeIssues(issues: readonly { path: readonly PropertyKey[]; message: string }[]) {
  return issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }));
}
