/**
 * The admin registry's happy paths, over every HTTP target (in-process on SQLite and PostgreSQL, and
 * the Worker on D1): one server per target, so each test registers its own organizations.
 */
import { describe, expect, it } from 'vitest';
import { HTTP_TARGETS, useHttpTarget } from '../support/http-target';
import { ADMIN_TOKEN, requestJson, TEST_START } from '../support/test-app';

const newOrg = (name: string) => ({ name, sector: 'research', sizeBand: '50-249', country: 'FR' });

describe.each(HTTP_TARGETS)('admin registry on %s', (targetName) => {
  const target = useHttpTarget(targetName);

  it('registers and lists organizations; privacy officers may list them', async () => {
    const { client } = target();
    const created = await requestJson(client, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: newOrg('Acme Research') });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ ...newOrg('Acme Research'), createdAt: TEST_START.toISOString() });
    const listed = await requestJson(client, 'GET', '/v1/admin/orgs', { token: ADMIN_TOKEN });
    expect(listed.json.items).toContainEqual(created.json);
    const officer = await requestJson(client, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role: 'privacy_officer', label: 'dpo' } });
    expect(officer.json.token).toMatch(/^tagg_dpo_/);
    expect((await requestJson(client, 'GET', '/v1/admin/orgs', { token: officer.json.token })).status).toBe(200);
  });

  it('issues an ingest token once, lists instances without it, and revokes idempotently', async () => {
    const { client } = target();
    const org = (await requestJson(client, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: newOrg('Instance Org') })).json;
    const created = await requestJson(client, 'POST', `/v1/admin/orgs/${org.id}/instances`, { token: ADMIN_TOKEN, body: { label: 'eu-1' } });
    expect(created.status).toBe(201);
    expect(created.headers.get('cache-control')).toBe('no-store');
    expect(created.json.token).toMatch(/^tagg_ing_[A-Za-z0-9_-]{43}$/);
    const listed = await requestJson(client, 'GET', `/v1/admin/orgs/${org.id}/instances`, { token: ADMIN_TOKEN });
    expect(listed.json.items).toEqual([created.json.instance]);
    expect(listed.text).not.toContain(created.json.token);
    const path = `/v1/admin/orgs/${org.id}/instances/${created.json.instance.id}`;
    const revoked = await requestJson(client, 'DELETE', path, { token: ADMIN_TOKEN });
    expect(revoked.json.revokedAt).toBe(TEST_START.toISOString());
    expect((await requestJson(client, 'DELETE', path, { token: ADMIN_TOKEN })).json).toEqual(revoked.json);
  });

  it('issues API keys per role; the hash, not the token, is stored; revocation takes effect at once', async () => {
    const { client, sql } = target();
    const created = await requestJson(client, 'POST', '/v1/admin/keys', { token: ADMIN_TOKEN, body: { role: 'researcher', label: 'lab' } });
    expect(created.status).toBe(201);
    expect(created.json.token).toMatch(/^tagg_res_/);
    const [stored] = await sql<Record<string, unknown>>('SELECT * FROM api_keys WHERE id = ?', [created.json.key.id]);
    expect(stored?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(stored)).not.toContain(created.json.token);
    const keys = await requestJson(client, 'GET', '/v1/admin/keys', { token: ADMIN_TOKEN });
    expect(keys.json.items.map((key: { id: string }) => key.id)).toContain(created.json.key.id);
    expect((await requestJson(client, 'GET', '/v1/datasets', { token: created.json.token })).status).toBe(200);
    expect((await requestJson(client, 'DELETE', `/v1/admin/keys/${created.json.key.id}`, { token: ADMIN_TOKEN })).status).toBe(200);
    expect((await requestJson(client, 'GET', '/v1/reports/budget', { token: created.json.token })).status).toBe(401);
  });

  it('records every registry change in a hash-chained audit log with key id and role, never a token or a name', async () => {
    const { client, sql } = target();
    const org = (await requestJson(client, 'POST', '/v1/admin/orgs', { token: ADMIN_TOKEN, body: newOrg('Audited Org Name') })).json;
    await requestJson(client, 'POST', `/v1/admin/orgs/${org.id}/instances`, { token: ADMIN_TOKEN, body: { label: 'eu-1' } });
    const entries = await sql<{ seq: number; prev_hash: string; hash: string; action: string; actor_role: string; subject: string }>(
      'SELECT * FROM audit_log ORDER BY seq',
    );
    expect(entries.slice(-2).map((entry) => entry.action)).toEqual(['organization.created', 'instance.created']);
    expect(entries.at(-1)).toMatchObject({ actor_role: 'admin', subject: expect.stringMatching(/^instance:/) });
    entries.slice(1).forEach((entry, index) => expect(entry.prev_hash).toBe(entries[index]?.hash));
    const dump = JSON.stringify(entries);
    expect(dump).not.toContain(ADMIN_TOKEN);
    expect(dump).not.toContain('Audited Org Name');
    const verification = await requestJson(client, 'GET', '/v1/audit/verify', { token: ADMIN_TOKEN });
    expect(verification.status).toBe(200);
    expect(verification.json.valid).toBe(true);
  });
});
