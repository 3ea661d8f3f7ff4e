import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, passthrough } from 'msw';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import { createMetricsApp } from '../../src/ops/index.js';
import { startService, type Service } from '../../src/service.js';
import type { Database } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { server as msw } from '../support/msw.js';
import { createTestDatabase, target } from '../support/pg.js';
import { csrfOf, WebClient } from '../support/web.js';

// Attack: anyone who can reach the service reads /metrics (request counts by
// route, auth failures, queue depths): an open window on what the service is
// doing. /metrics needs a token, or its own listen address.

const METRICS_TOKEN = 'metrics-token-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

describe('/metrics with neither FLOWTRAIL_METRICS_TOKEN nor FLOWTRAIL_METRICS_PORT', () => {
  const t = useTestApp();

  it('refuses a request without a token, with a bad token, and with a browser session alone', async () => {
    expect((await t.app.request('/metrics')).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: bearer(`ftk_${'x'.repeat(40)}`) })).status).toBe(401);
    const web = new WebClient(t.app);
    const page = await (await web.get('/-/sign_in')).text();
    expect((await web.post('/-/sign_in', { token: await t.token('admin'), _csrf: csrfOf(page), return_to: '/-/duo/sessions' })).status).toBe(303);
    expect((await web.get('/-/duo/sessions')).status).toBe(200);
    expect((await web.get('/metrics')).status).toBe(401);
  });

  it('refuses ingest and user tokens with 403 and answers admin and auditor tokens, in either header', async () => {
    expect((await t.get('/metrics', await t.token('ingest'))).status).toBe(403);
    expect((await t.get('/metrics', await t.token('user'))).status).toBe(403);
    for (const role of ['admin', 'auditor'] as const) {
      const res = await t.get('/metrics', await t.token(role));
      expect(res.status, role).toBe(200);
      expect(await res.text()).toMatch(/^# HELP flowtrail_http_requests_total/m);
    }
    expect((await t.app.request('/metrics', { headers: { 'private-token': await t.token('auditor') } })).status).toBe(200);
  });

  it('counts each refusal as an authentication failure', async () => {
    await t.app.request('/metrics');
    const text = await (await t.get('/metrics', await t.token('admin'))).text();
    expect(text).toMatch(/^flowtrail_auth_failures_total\{kind="metrics"\} [1-9]\d*$/m);
  });
});

describe('/metrics with FLOWTRAIL_METRICS_TOKEN', () => {
  const t = useTestApp({ FLOWTRAIL_METRICS_TOKEN: METRICS_TOKEN });

  it('answers only the metrics token, not an API token of any role', async () => {
    expect((await t.app.request('/metrics')).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: bearer(`${METRICS_TOKEN}x`) })).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: bearer(METRICS_TOKEN.slice(0, -1)) })).status).toBe(401);
    expect((await t.get('/metrics', await t.token('admin'))).status).toBe(401);
    expect((await t.app.request('/metrics', { headers: { 'private-token': METRICS_TOKEN } })).status).toBe(401);
    const res = await t.app.request('/metrics', { headers: bearer(METRICS_TOKEN) });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  });
});

describe('/metrics with FLOWTRAIL_METRICS_PORT', () => {
  const t = useTestApp({ FLOWTRAIL_METRICS_PORT: '9464' });

  it('answers 404 on the main port, even to an admin token', async () => {
    expect((await t.app.request('/metrics')).status).toBe(404);
    expect((await t.get('/metrics', await t.token('admin'))).status).toBe(404);
    expect((await t.app.request('/-/health')).status).toBe(200);
  });

  it('serves /metrics and nothing else on its own app', async () => {
    const metricsApp = createMetricsApp(t.deps);
    expect((await metricsApp.request('/metrics')).status).toBe(200);
    for (const path of ['/api/v1/sessions', '/-/health', '/admin/duo_agent_platform/audit', '/']) {
      expect((await metricsApp.request(path, { headers: bearer(await t.token('admin')) })).status, path).toBe(404);
    }
  });

  it('still asks for FLOWTRAIL_METRICS_TOKEN on that port when both are set', async () => {
    const both = { ...t.deps, config: { ...t.deps.config, metrics: { ...t.deps.config.metrics, token: METRICS_TOKEN } } };
    const metricsApp = createMetricsApp(both);
    expect((await metricsApp.request('/metrics')).status).toBe(401);
    expect((await metricsApp.request('/metrics', { headers: bearer(METRICS_TOKEN) })).status).toBe(200);
    expect((await createApp(both).request('/metrics', { headers: bearer(METRICS_TOKEN) })).status).toBe(404);
  });
});

describe('the service with FLOWTRAIL_METRICS_PORT', () => {
  let dir: string;
  let db: (Database & { url?: string }) | undefined;
  let service: Service;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowtrail-metrics-'));
    if (target === 'postgres') db = await createTestDatabase();
    const config = loadConfig({
      FLOWTRAIL_DATA_DIR: join(dir, 'data'), FLOWTRAIL_PORT: '0', FLOWTRAIL_METRICS_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'silent',
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/metrics-test').privateKeyPem, FLOWTRAIL_LOG_ORIGIN: 'flowtrail/metrics-test',
      ...(db?.url !== undefined ? { FLOWTRAIL_DATABASE_URL: db.url } : {}),
    });
    service = await startService(config, pino({ level: 'silent' }));
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await db?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens for /metrics on its own address and answers 404 for it on the main one', async () => {
    msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    expect(service.metricsUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(service.metricsUrl).not.toBe(service.url);
    const own = await fetch(`${service.metricsUrl}/metrics`);
    expect(own.status).toBe(200);
    expect(await own.text()).toMatch(/^flowtrail_log_size \d+$/m);
    expect((await fetch(`${service.url}/metrics`)).status).toBe(404);
    expect((await fetch(`${service.metricsUrl}/api/v1/sessions`)).status).toBe(404);
  });
});

describe('the metrics settings', () => {
  it('refuse a metrics port equal to the main port, a short metrics token and a metrics host without a port', () => {
    expect(() => loadConfig({ FLOWTRAIL_PORT: '8080', FLOWTRAIL_METRICS_PORT: '8080' })).toThrow(/FLOWTRAIL_METRICS_PORT must differ/);
    expect(() => loadConfig({ FLOWTRAIL_METRICS_TOKEN: 'short' })).toThrow(/FLOWTRAIL_METRICS_TOKEN must be at least 16/);
    expect(() => loadConfig({ FLOWTRAIL_METRICS_HOST: '0.0.0.0' })).toThrow(/FLOWTRAIL_METRICS_HOST needs FLOWTRAIL_METRICS_PORT/);
    expect(loadConfig({ FLOWTRAIL_HOST: '10.0.0.5', FLOWTRAIL_METRICS_PORT: '9464' }).metrics).toEqual({ token: undefined, port: 9464, host: '10.0.0.5' });
    expect(loadConfig({ FLOWTRAIL_METRICS_PORT: '9464', FLOWTRAIL_METRICS_HOST: '127.0.0.2' }).metrics.host).toBe('127.0.0.2');
  });
});
