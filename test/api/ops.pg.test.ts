import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';

describe('operations endpoints', () => {
  const t = useTestApp();

  it('answers /-/health and /-/readiness', async () => {
    expect(await (await t.app.request('/-/health')).json()).toEqual({ status: 'ok' });
    const r = await t.app.request('/-/readiness');
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ status: 'ok' });
  });

  it('exposes ingest counters and latencies in Prometheus text', async () => {
    await t.ingest(startedEvent('m1', at(0)));
    await t.ingest([{ type: 'nope' }, startedEvent('m2', at(1))]);
    const text = await (await t.get('/metrics', await t.token('auditor'))).text();
    expect(text).toMatch(/^flowtrail_events_accepted_total\{source="flow_api"\} 2$/m);
    expect(text).toMatch(/^flowtrail_events_rejected_total\{source="flow_api"\} 1$/m);
    expect(text).toMatch(/^flowtrail_ingest_duration_seconds_count\{source="flow_api"\} 2$/m);
    expect(text).toMatch(/^flowtrail_http_requests_total\{method="POST",route="\/api\/v1\/flow-events",status="202"\} 2$/m);
  });

  it('answers /-/health and /-/readiness without a token but /metrics only with one (401)', async () => {
    expect((await t.app.request('/-/health')).status).toBe(200);
    expect((await t.app.request('/-/readiness')).status).toBe(200);
    const res = await t.app.request('/metrics');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'unauthorized' });
  });

  it('answers unknown routes with 404 JSON', async () => {
    const r = await t.app.request('/nowhere');
    expect(r.status).toBe(404);
    expect(await r.json()).toMatchObject({ error: 'not_found' });
  });
});

describe('logs', () => {
  it('never carry a token or a credential field', () => {
    const lines: string[] = [];
    const sink = new Writable({ write(chunk: Buffer, _e, cb) { lines.push(chunk.toString()); cb(); } });
    const log = createLogger('info', sink);
    const token = `ftk_${'z'.repeat(40)}`;
    log.info({ token, headers: { authorization: `Bearer ${token}` }, password: 'hunter2', nested: { token } }, 'request');
    log.error({ err: Object.assign(new Error('failed'), { parameters: [token] }) }, 'oops');
    const all = lines.join('');
    expect(all).toContain('request');
    expect(all).not.toContain(token);
    expect(all).not.toContain('hunter2');
  });
});
