/**
 * Builders for realistic telemetry and a consenting organization with an ingest token, so tests
 * read as scenarios rather than set-up.
 */
import { ADMIN_TOKEN, requestJson, type TestApp } from './test-app';

export interface EventOverrides {
  eventId?: string;
  occurredAt?: string;
  [key: string]: unknown;
}

let eventCounter = 0;

/** A deterministic, valid v4 UUID for the n-th test event. */
export function testEventId(n: number): string {
  const hex = n.toString(16).padStart(12, '0');
  return `00000000-0000-4000-8000-${hex}`;
}

export function transferEvent(overrides: EventOverrides = {}): Record<string, unknown> {
  eventCounter += 1;
  return {
    eventId: testEventId(eventCounter + 1_000_000),
    occurredAt: '2026-11-26T12:01:00Z',
    transfer: {
      protocol: 'sftp',
      direction: 'outbound',
      crossOrg: true,
      sizeBytes: 5_000_000,
      outcome: 'delivered',
      fileName: 'q3-training-set.parquet',
      fileSha256: 'a'.repeat(64),
      partnerDomain: 'partner.example',
    },
    content: { classification: 'training_dataset', aiPlatform: 'openai' },
    controls: {
      mfa: true,
      sso: true,
      linkExpiry: false,
      downloadLimit: false,
      ipAllowlist: false,
      watermark: false,
      dlpScan: true,
      customerManagedKeys: false,
    },
    integrity: { hashVerified: true, signatureVerified: false },
    actor: { userId: 'u-1', email: 'someone@example.com', ip: '192.0.2.1', userAgent: 'agent/1.0', hostname: 'host-1' },
    geo: { country: 'DE' },
    ...overrides,
  };
}

/**
 * The same transfer in contract version 2: a dataset whose hash was verified at the boundary (what
 * the version 1 event's two booleans say), no chain-of-custody record.
 */
export function transferEventV2(overrides: EventOverrides = {}): Record<string, unknown> {
  const base = transferEvent();
  return {
    ...base,
    content: { ...(base.content as object), artifactClass: 'dataset' },
    integrity: { evidence: 'checksum_verified', chainOfCustodyRecorded: false },
    ...overrides,
  };
}

export interface ConsentingOrg {
  orgId: string;
  instanceId: string;
  ingestToken: string;
}

export async function registerConsentingOrg(
  testApp: Pick<TestApp, 'app'>,
  options: { name?: string; sector?: string; sizeBand?: string; country?: string; consent?: boolean } = {},
): Promise<ConsentingOrg> {
  const org = await requestJson(testApp, 'POST', '/v1/admin/orgs', {
    token: ADMIN_TOKEN,
    body: {
      name: options.name ?? 'Example Org',
      sector: options.sector ?? 'finance',
      sizeBand: options.sizeBand ?? '250-999',
      country: options.country ?? 'DE',
    },
  });
  if (org.status !== 201) throw new Error(`org creation failed: ${org.status} ${org.text}`);
  const instance = await requestJson(testApp, 'POST', `/v1/admin/orgs/${org.json.id}/instances`, {
    token: ADMIN_TOKEN,
    body: { label: 'primary' },
  });
  if (instance.status !== 201) throw new Error(`instance creation failed: ${instance.status} ${instance.text}`);
  if (options.consent !== false) {
    const consent = await requestJson(testApp, 'PUT', `/v1/orgs/${org.json.id}/consent`, {
      token: ADMIN_TOKEN,
      body: { scope: 'research-telemetry', policyVersion: '2026-01', grantedBy: 'Jane Roe, CISO' },
    });
    if (consent.status !== 201) throw new Error(`consent failed: ${consent.status} ${consent.text}`);
  }
  return { orgId: org.json.id, instanceId: instance.json.instance.id, ingestToken: instance.json.token };
}

export function sendBatch(testApp: Pick<TestApp, 'app'>, token: string, events: unknown[], schemaVersion: 1 | 2 = 1) {
  return requestJson(testApp, 'POST', '/v1/telemetry/batches', { token, body: { schemaVersion, events } });
}
