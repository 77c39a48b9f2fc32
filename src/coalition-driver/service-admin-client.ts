/**
 * The few admin and privacy-officer calls a simulated coalition makes over HTTP (registering
 * organizations and instances, consent, erasure, API keys, releases), with the service's answers
 * typed. 429 and 503 are waited out as their Retry-After says; every other problem is raised with
 * its stable `type`, never with a body the service did not send.
 */
import type { OrgSizeBand, Sector } from '../datasets/vocabulary';

export class ServiceRequestError extends Error {
  override name = 'ServiceRequestError';
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly problemType: string | undefined,
    detail: string | undefined,
  ) {
    super(`${method} ${path}: ${status}${problemType ? ` ${problemType}` : ''}${detail ? `: ${detail}` : ''}`);
  }
}

export interface PublishedReleaseSummary {
  id: string;
  datasetId: string;
  cells: number;
  rows: number;
  rho: number;
}

export interface PeriodReleaseSummary {
  period: string;
  releasedAt: string;
  releases: PublishedReleaseSummary[];
}

export interface AdminClientOptions {
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  sleep?: (milliseconds: number) => Promise<void>;
  /** Attempts of a request answered 429 or 503 (default 20). */
  maxAttempts?: number;
  /** Told each time a request waits out a 429 or 503, so a command can say why it is slow. */
  onWait?: (status: number, milliseconds: number) => void;
}

export function createAdminClient(options: AdminClientOptions) {
  const doFetch = options.fetch ?? fetch;
  const sleep = options.sleep ?? ((milliseconds: number) => new Promise<void>((resolve) => setTimeout(resolve, milliseconds)));
  const maxAttempts = options.maxAttempts ?? 20;
  const base = options.baseUrl.replace(/\/$/, '');

  async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const response = await doFetch(`${base}${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (response.ok) return (await response.json()) as T;
      const problem = (await response.json().catch(() => undefined)) as { type?: string; detail?: string } | undefined;
      if ((response.status === 429 || response.status === 503) && attempt < maxAttempts) {
        const seconds = Number(response.headers.get('retry-after'));
        const wait = Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000;
        options.onWait?.(response.status, wait);
        await sleep(wait);
        continue;
      }
      throw new ServiceRequestError(method, path, response.status, problem?.type, problem?.detail);
    }
  }

  return {
    request,
    createOrganization: (organization: { name: string; sector: Sector; sizeBand: OrgSizeBand; country: string }) =>
      request<{ id: string }>('POST', '/v1/admin/orgs', organization),
    createInstance: async (orgId: string, label: string) => {
      const created = await request<{ instance: { id: string }; token: string }>('POST', `/v1/admin/orgs/${orgId}/instances`, { label });
      return { instanceId: created.instance.id, token: created.token };
    },
    grantConsent: (orgId: string, grant: { policyVersion: string; grantedBy: string }) =>
      request<{ id: string }>('PUT', `/v1/orgs/${orgId}/consent`, { scope: 'research-telemetry', ...grant }),
    revokeConsent: (orgId: string, reason: string) => request<{ revokedAt: string }>('DELETE', `/v1/orgs/${orgId}/consent`, { reason }),
    requestErasure: (orgId: string, reason: string) => request<{ id: string }>('POST', `/v1/orgs/${orgId}/erasure`, { reason }),
    createApiKey: async (role: 'admin' | 'privacy_officer' | 'researcher', label: string) =>
      (await request<{ token: string }>('POST', '/v1/admin/keys', { role, label })).token,
    releasePeriod: (period: string) => request<PeriodReleaseSummary>('POST', '/v1/admin/releases', { period }),
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;
