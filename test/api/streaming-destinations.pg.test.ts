import { describe, expect, it } from 'vitest';
import { openSecret } from '../../src/stream/index.js';
import { useTestApp } from '../support/app.js';

const TOKEN = 'hec-token-0f3c9a1e-4b7d-4a52-9c1e-streaming';

describe('/api/v1/streaming-destinations', () => {
  const t = useTestApp();

  async function call(token: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
    const res = await t.app.request(`/api/v1/streaming-destinations${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>), text };
  }

  async function auditEvents(admin: string, type: string): Promise<Record<string, unknown>[]> {
    await t.deps.integrator.integrate();
    const res = await t.get(`/api/v1/audit-events?type=${type}&limit=100`, admin);
    return ((await res.json()) as { events: Record<string, unknown>[] }).events;
  }

  it('creates a destination with a sealed token, never answers the token, and audits the change without it', async () => {
    const admin = await t.token('admin');
    const created = await call(admin, 'POST', '', {
      name: 'splunk', type: 'splunk_hec', url: 'https://splunk.example:8088', token: TOKEN, filters: { types: ['duo_flow_started'], projects: ['acme/web'] },
    });
    expect(created.status).toBe(201);
    expect(created.text).not.toContain(TOKEN);
    expect(created.json).toMatchObject({
      name: 'splunk', type: 'splunk_hec', format: 'ndjson', token_set: true, token_env: null, active: true, state: 'delivering', cursor_seq: -1,
      filters: { types: ['duo_flow_started'], projects: ['acme/web'] },
    });
    const id = created.json.id as string;
    const [row] = await t.deps.sql<{ tokenSealed: Buffer }[]>`select token_sealed from streaming_destinations where id = ${id}`;
    expect(row!.tokenSealed.includes(Buffer.from(TOKEN))).toBe(false);
    expect(openSecret(t.deps.secretsKey!, row!.tokenSealed, id)).toBe(TOKEN);
    expect(() => openSecret(t.deps.secretsKey!, row!.tokenSealed, 'sd_other')).toThrow();

    const listed = await call(admin, 'GET', '');
    expect(listed.text).not.toContain(TOKEN);
    expect((listed.json.destinations as unknown[]).length).toBe(1);
    expect((await call(admin, 'GET', `/${id}`)).json).toMatchObject({ id, token_set: true, lag_events: expect.any(Number) });

    const events = await auditEvents(admin, 'streaming_destination_created');
    expect(events).toHaveLength(1);
    expect(JSON.stringify(events)).not.toContain(TOKEN);
    expect(events[0]!.data).toMatchObject({ destination_id: id, name: 'splunk', type: 'splunk_hec', token_set: true, url: 'https://splunk.example:8088/' });
  });

  it('takes env:NAME as a reference, masks query values, changes, resumes and removes, each audited', async () => {
    const admin = await t.token('admin');
    const created = await call(admin, 'POST', '', { name: 'gitlab-shaped', type: 'http', url: 'https://siem.example/intake?key=s3cret-value', token: 'env:SIEM_TOKEN' });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ format: 'gitlab', token_set: true, token_env: 'SIEM_TOKEN', url: 'https://siem.example/intake?key=***' });
    expect(created.text).not.toContain('s3cret-value');
    const id = created.json.id as string;
    await t.deps.sql`update streaming_destinations set paused_at = now(), paused_reason = 'failing since then: HTTP 500' where id = ${id}`;
    expect((await call(admin, 'GET', `/${id}`)).json).toMatchObject({ state: 'paused', paused_reason: 'failing since then: HTTP 500' });

    const changed = await call(admin, 'PATCH', `/${id}`, { name: 'renamed', token: null, filters: { types: ['duo_flow_failed'] } });
    expect(changed.status).toBe(200);
    expect(changed.json).toMatchObject({ name: 'renamed', token_set: false, state: 'delivering', paused_reason: null, filters: { types: ['duo_flow_failed'], projects: [] } });
    const updated = await auditEvents(admin, 'streaming_destination_updated');
    expect(updated[0]!.data).toMatchObject({ destination_id: id, name: 'renamed', changed: ['name', 'token', 'filters'], token_set: false, resumed_from_pause: true });
    expect(JSON.stringify(updated)).not.toContain('s3cret-value');

    expect((await call(admin, 'DELETE', `/${id}`)).json).toEqual({ id, removed: true });
    expect((await call(admin, 'GET', `/${id}`)).status).toBe(404);
    expect((await call(admin, 'DELETE', `/${id}`)).status).toBe(404);
    expect((await auditEvents(admin, 'streaming_destination_removed'))[0]!.data).toMatchObject({ destination_id: id, name: 'renamed', cursor_seq: -1 });
  });

  it('starts after the last event with start: now', async () => {
    const admin = await t.token('admin');
    await t.deps.integrator.integrate();
    const [{ size }] = await t.deps.sql<{ size: number }[]>`select size from log_state`;
    const created = await call(admin, 'POST', '', { name: 'from-now', type: 'syslog', url: 'syslog+tls://siem.example:6514', start: 'now' });
    expect(created.json).toMatchObject({ format: 'cef', cursor_seq: size - 1 });
  });

  it.each([
    ['a body that is not JSON', '{"name":', /the body must be a JSON object/],
    ['no name, type or url', {}, /name: .*; type: .*; url: /],
    ['an unknown type', { name: 'x', type: 'kafka', url: 'https://a.example' }, /type: Invalid option: expected one of "http"\|"splunk_hec"\|"syslog"/],
    ['an unknown field', { name: 'x', type: 'http', url: 'https://a.example', headers: {} }, /Unrecognized key: "headers"/],
    ['a URL that is not one', { name: 'x', type: 'http', url: 'not a url' }, /url: "not a url" is not a URL/],
    ['a syslog scheme for http', { name: 'x', type: 'http', url: 'syslog://a.example:514' }, /a http destination needs http:\/\/ or https:\/\//],
    ['an http scheme for syslog', { name: 'x', type: 'syslog', url: 'https://a.example' }, /a syslog destination needs syslog:\/\/ or syslog\+tls:\/\//],
    ['credentials in the URL', { name: 'x', type: 'http', url: 'https://user:pw@a.example' }, /must not carry a user or password/],
    ['a HEC destination without a token', { name: 'x', type: 'splunk_hec', url: 'https://a.example:8088' }, /needs the HEC token/],
    ['a token for syslog', { name: 'x', type: 'syslog', url: 'syslog://a.example', token: 'abc' }, /syslog has no token/],
    ['an unknown event type in the filters', { name: 'x', type: 'http', url: 'https://a.example', filters: { types: ['duo_flow_started', 'nope'] } }, /filters.types: "nope" is not an event type/],
    ['a CA that is not PEM', { name: 'x', type: 'http', url: 'https://a.example', tls_ca: 'hello' }, /tls_ca: must be PEM certificates/],
    ['a format that does not exist', { name: 'x', type: 'http', url: 'https://a.example', format: 'xml' }, /format: Invalid option/],
    ['active that is not a boolean', { name: 'x', type: 'http', url: 'https://a.example', active: 'yes' }, /active: Invalid input: expected boolean/],
  ])('refuses %s with 400 in words', async (_what, body, message) => {
    const admin = await t.token('admin');
    const res = await call(admin, 'POST', '', body);
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('invalid');
    expect(res.json.message).toMatch(message);
  });

  it('refuses a second destination of the same name (409), an empty or invalid change (400) and an unknown id (404)', async () => {
    const admin = await t.token('admin');
    const a = await call(admin, 'POST', '', { name: 'one', type: 'http', url: 'https://a.example' });
    await call(admin, 'POST', '', { name: 'two', type: 'http', url: 'https://b.example' });
    expect((await call(admin, 'POST', '', { name: 'one', type: 'http', url: 'https://c.example' })).status).toBe(409);
    const id = a.json.id as string;
    expect((await call(admin, 'PATCH', `/${id}`, { name: 'two' })).status).toBe(409);
    const empty = await call(admin, 'PATCH', `/${id}`, {});
    expect(empty.status).toBe(400);
    expect(empty.json.message).toMatch(/name at least one field/);
    const toHec = await call(admin, 'PATCH', `/${id}`, { type: 'splunk_hec' });
    expect(toHec.status).toBe(400);
    expect(toHec.json.message).toMatch(/needs the HEC token/);
    expect((await call(admin, 'PATCH', '/sd_nope', { active: false })).status).toBe(404);
  });

  it('is for administrators only', async () => {
    for (const role of ['ingest', 'user', 'auditor'] as const) {
      const token = await t.token(role);
      expect((await call(token, 'GET', '')).status).toBe(403);
      expect((await call(token, 'POST', '', { name: 'x', type: 'http', url: 'https://a.example' })).status).toBe(403);
    }
    expect((await t.app.request('/api/v1/streaming-destinations')).status).toBe(401);
  });
});
