import { describe, expect, it } from 'vitest';
import { runRetention, verifyDatabase } from '../../src/audit/index.js';
import { useTestApp } from '../support/app.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';

const daysAgo = (d: number, minute = 0) => new Date(Date.now() - d * 86_400_000 + minute * 60_000).toISOString();

describe('legal holds and retention rules', () => {
  const t = useTestApp();
  const send = (method: string, path: string, token: string, body?: unknown) =>
    t.app.request(path, {
      method, headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const leafData = async (type: string) =>
    (await t.deps.sql`select leaf from audit_events where type = ${type} order by seq`).map((r) => JSON.parse(r.leaf as string).data as Record<string, unknown>);

  /** Three sessions that ended 400 days ago (by the sender's and the log's clock), in two projects, by two people. */
  const seedOld = async () => {
    t.setLogClock(new Date(daysAgo(400, 10)));
    await t.ingest([
      startedEvent('old-a', daysAgo(400), { input_prompt: 'Dana asks about ledger 4711' }),
      flowEvent('duo_flow_completed', 'old-a', daysAgo(400, 1)),
      startedEvent('old-b', daysAgo(400, 2), { user: { id: 2231, username: 'mchen' }, project: { id: 9, path: 'acme-web/Storefront' }, flow_type: 'code_review' }),
      flowEvent('duo_flow_completed', 'old-b', daysAgo(400, 3)),
      startedEvent('old-c', daysAgo(400, 4), { user: { id: 2231, username: 'mchen' } }),
      flowEvent('duo_flow_completed', 'old-c', daysAgo(400, 5)),
    ]);
    t.setLogClock(null);
    await t.deps.integrator.checkpoint(true);
  };
  const sessionIds = async () => (await t.deps.sql`select session_id from sessions order by session_id`).map((s) => s.sessionId as string);

  it('a hold on a session, a person or a project keeps what it covers from retention, and the run records what it skipped and why', async () => {
    await seedOld();
    const admin = await t.token('admin');
    const placed = await send('POST', '/api/v1/legal-holds', admin, { scope: 'session', value: 'old-a', reason: 'Matter 2026-17, counsel dana@example.test' });
    expect(placed.status).toBe(201);
    const hold = (await placed.json()) as { id: number; active: boolean; reason: string };
    expect(hold).toMatchObject({ active: true });
    expect(hold.reason).not.toContain('dana@example.test');
    const project = (await (await send('POST', '/api/v1/legal-holds', admin, { scope: 'project', value: 'acme-web/storefront', reason: 'Regulator inquiry' })).json()) as { id: number };

    const r = await runRetention(t.deps.sql, 365, 'test');
    expect(r).toMatchObject({ sessions: 1, held: 2, holds: [hold.id, project.id] });
    expect(await sessionIds()).toEqual(['old-a', 'old-b']);
    await t.deps.integrator.integrate();
    expect((await leafData('retention_purged'))[0]).toMatchObject({ sessions: 1, held: 2, holds: [hold.id, project.id] });
    const [placedEvent] = await leafData('legal_hold_placed');
    expect(placedEvent).toMatchObject({ hold_id: hold.id, scope: 'session', value: 'old-a', actor: expect.any(String) });
    expect(JSON.stringify(placedEvent)).not.toContain('dana@example.test');

    // Released, the session falls under retention again; the release is recorded with its reason.
    const released = await send('DELETE', `/api/v1/legal-holds/${hold.id}`, admin, { reason: 'Matter closed' });
    expect(released.status).toBe(200);
    expect(await released.json()).toMatchObject({ id: hold.id, active: false, release_reason: 'Matter closed' });
    expect((await send('DELETE', `/api/v1/legal-holds/${hold.id}`, admin)).status).toBe(409);
    expect((await send('DELETE', '/api/v1/legal-holds/99999', admin)).status).toBe(404);
    await t.deps.integrator.checkpoint(true);
    expect(await runRetention(t.deps.sql, 365, 'test')).toMatchObject({ sessions: 1, held: 1, holds: [project.id] });
    expect(await sessionIds()).toEqual(['old-b']);
    await t.deps.integrator.integrate();
    expect(await leafData('legal_hold_released')).toEqual([expect.objectContaining({ hold_id: hold.id, reason: 'Matter closed', scope: 'session' })]);
    await t.deps.integrator.checkpoint(true);
    expect(await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test', { deep: true })).toMatchObject({ ok: true });
  });

  it('a hold on a person keeps every session they initiated from erasure; the erasure names what it skipped', async () => {
    await seedOld();
    const admin = await t.token('admin');
    const hold = (await (await send('POST', '/api/v1/legal-holds', admin, { scope: 'user', value: 'mchen', reason: 'Litigation hold' })).json()) as { id: number };
    const res = await send('POST', '/api/v1/erasures', admin, { session_id: 'old-b', reason: 'GDPR request' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ events: 0, skipped_held: [{ session_id: 'old-b', holds: [hold.id] }] });
    const texts = await t.deps.sql`select count(*)::int as n from audit_events where session_id = 'old-b' and texts is not null`;
    expect(texts[0]!.n).toBeGreaterThan(0);
    // Dana's sessions are not held: her erasure goes through.
    expect(await (await send('POST', '/api/v1/erasures', admin, { user: 'dwhitfield' })).json()).toMatchObject({ events: 1, skipped_held: [] });
    await t.deps.integrator.integrate();
    expect((await leafData('personal_data_erased'))[0]).toMatchObject({ events: 0, skipped_held: [{ session_id: 'old-b', holds: [hold.id] }] });
  });

  it('retention per project or flow type replaces the default, the longer when both apply, and each change is recorded', async () => {
    await seedOld();
    const admin = await t.token('admin');
    const put = (body: unknown) => send('PUT', '/api/v1/retention/rules', admin, body);
    expect((await put({ scope: 'project', value: 'acme-web/Storefront', days: 500 })).status).toBe(200);
    expect(await (await put({ scope: 'flow_type', value: 'code_review', days: 600 })).json()).toMatchObject({ days: 600, previous_days: null });
    expect(await (await put({ scope: 'flow_type', value: 'code_review', days: 450 })).json()).toMatchObject({ days: 450, previous_days: 600 });
    // old-b: project 500, flow type 450 -> kept 500 days; old-a and old-c: the default, purged at 399.
    expect(await runRetention(t.deps.sql, 399, 'test')).toMatchObject({ sessions: 2, rules: 2 });
    expect(await sessionIds()).toEqual(['old-b']);
    expect(await (await put({ scope: 'project', value: 'acme-web/storefront', days: null })).json()).toMatchObject({ days: null, previous_days: 500 });
    await t.deps.integrator.checkpoint(true);
    expect(await runRetention(t.deps.sql, 365, 'test')).toMatchObject({ sessions: 0, rules: 1 });
    expect((await put({ scope: 'project', value: 'nobody/nothing', days: null })).status).toBe(404);
    const listed = await (await send('GET', '/api/v1/retention', await t.token('auditor'))).json();
    expect(listed).toMatchObject({ floor_days: 1, rules: [{ scope: 'flow_type', value: 'code_review', days: 450 }] });
    await t.deps.integrator.integrate();
    expect((await leafData('retention_policy_changed')).map((d) => [d.scope, d.value, d.days, d.previous_days])).toEqual([
      ['project', 'acme-web/storefront', 500, null], ['flow_type', 'code_review', 600, null], ['flow_type', 'code_review', 450, 600], ['project', 'acme-web/storefront', null, 500],
    ]);
  });

  it('a rule cannot go below the floor the database owner set', async () => {
    await t.deps.sql`update retention_policy set min_days = 90 where id = 1`;
    const res = await send('PUT', '/api/v1/retention/rules', await t.token('admin'), { scope: 'project', value: 'acme/x', days: 30 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { message: string }).message).toContain('shorter than the 90 days');
  });

  it('refuses malformed requests in words and other roles', async () => {
    const admin = await t.token('admin');
    const cases: [unknown, RegExp][] = [
      ['not json', /must be JSON/],
      [{ scope: 'team', value: 'x', reason: 'r' }, /scope: must be session, user or project/],
      [{ scope: 'session', value: 'a b', reason: 'r' }, /value: is not a session id/],
      [{ scope: 'project', value: 'nogroup', reason: 'r' }, /value: is not a project path/],
      [{ scope: 'user', value: 'mchen' }, /reason/],
      [{ scope: 'user', value: 'mchen', reason: '   ' }, /reason/],
      [{ scope: 'user', value: 'mchen', reason: 'r', extra: 1 }, /extra|Unrecognized/],
    ];
    for (const [body, message] of cases) {
      const res = await send('POST', '/api/v1/legal-holds', admin, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(((await res.json()) as { message: string }).message).toMatch(message);
    }
    expect((await send('DELETE', '/api/v1/legal-holds/abc', admin)).status).toBe(400);
    expect((await send('PUT', '/api/v1/retention/rules', admin, { scope: 'project', value: 'a/b', days: 0 })).status).toBe(400);
    for (const role of ['auditor', 'user', 'ingest'] as const) {
      const tok = await t.token(role, role === 'user' ? 'dwhitfield' : undefined);
      expect((await send('POST', '/api/v1/legal-holds', tok, { scope: 'user', value: 'mchen', reason: 'r' })).status, role).toBe(403);
      expect((await send('PUT', '/api/v1/retention/rules', tok, { scope: 'project', value: 'a/b', days: 400 })).status, role).toBe(403);
    }
    expect((await send('GET', '/api/v1/legal-holds', await t.token('auditor'))).status).toBe(200);
    expect((await send('GET', '/api/v1/legal-holds', await t.token('user', 'dwhitfield'))).status).toBe(403);
  });

  it('holds and rules change only through the owner\'s recorded functions, never by a direct write', async () => {
    await send('POST', '/api/v1/legal-holds', await t.token('admin'), { scope: 'user', value: 'mchen', reason: 'Litigation hold' });
    await expect(t.deps.sql`update legal_holds set released_at = now()`).rejects.toThrow(/not allowed/);
    await expect(t.deps.sql`delete from legal_holds`).rejects.toThrow(/not allowed/);
    await expect(t.deps.sql`insert into retention_rules (scope, value, days, set_by) values ('project', 'a/b', 1, 'me')`).rejects.toThrow(/not allowed/);
    // Even with the purge switch, a role that does not own the tables is refused (the service's role, in production).
    const holds = await t.deps.sql`select count(*)::int as n from legal_holds where released_at is null`;
    expect(holds[0]!.n).toBe(1);
  });
});
