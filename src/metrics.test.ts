import { describe, expect, it } from 'vitest';
import { createMetrics } from './metrics.js';

describe('createMetrics', () => {
  it('renders counters, histograms and scrape-time gauges in the Prometheus text format', async () => {
    const m = createMetrics();
    m.inc('flowtrail_http_requests_total', { method: 'POST', route: '/a"b\\c\nd', status: '202' });
    m.inc('flowtrail_http_requests_total', { method: 'POST', route: '/a"b\\c\nd', status: '202' }, 2);
    m.inc('flowtrail_events_appended_total', {}, 5);
    m.observe('flowtrail_ingest_duration_seconds', 0.003, { source: 'flow_api' });
    m.observe('flowtrail_ingest_duration_seconds', 7, { source: 'flow_api' });
    let size = 1;
    m.gauge('flowtrail_log_size', 'Events in the Merkle log.', () => size);
    const text = await m.render();
    expect(text).toMatch(/^# TYPE flowtrail_http_requests_total counter$/m);
    expect(text).toContain('flowtrail_http_requests_total{method="POST",route="/a\\"b\\\\c\\nd",status="202"} 3\n');
    expect(text).toMatch(/^flowtrail_events_appended_total 5$/m);
    expect(text).toMatch(/^flowtrail_ingest_duration_seconds_bucket\{le="0.0025",source="flow_api"\} 0$/m);
    expect(text).toMatch(/^flowtrail_ingest_duration_seconds_bucket\{le="0.005",source="flow_api"\} 1$/m);
    expect(text).toMatch(/^flowtrail_ingest_duration_seconds_bucket\{le="5",source="flow_api"\} 1$/m);
    expect(text).toMatch(/^flowtrail_ingest_duration_seconds_bucket\{le="\+Inf",source="flow_api"\} 2$/m);
    expect(text).toMatch(/^flowtrail_ingest_duration_seconds_count\{source="flow_api"\} 2$/m);
    expect(text).toMatch(/^flowtrail_log_size 1$/m);
    size = 9;
    expect(await m.render()).toMatch(/^flowtrail_log_size 9$/m);
  });

  it('keeps each service apart and lets a gauge be registered again under its name', async () => {
    const a = createMetrics();
    const b = createMetrics();
    a.inc('flowtrail_jobs_total', { name: 'archive_session', outcome: 'dead' });
    a.gauge('flowtrail_jobs_dead', 'Dead jobs.', () => 1);
    a.gauge('flowtrail_jobs_dead', 'Dead jobs.', async () => 2);
    expect(await a.render()).toMatch(/^flowtrail_jobs_dead 2$/m);
    expect(await b.render()).not.toMatch(/flowtrail_jobs_total\{/);
  });

  it('refuses a metric name or a label it does not know', () => {
    const m = createMetrics();
    expect(() => m.inc('flowtrail_unknown_total')).toThrow(/unknown counter/);
    expect(() => m.observe('flowtrail_unknown_seconds', 1)).toThrow(/unknown histogram/);
    expect(() => m.inc('flowtrail_jobs_total', { job: 'x' })).toThrow();
  });
});
