// The metrics registry on the ingest hot path: src/metrics.ts (prom-client)
// against the hand-written registry it replaced (bench/hand-written-metrics.ts),
// in the same run.
//
// One "request" is the metric work one flow-event ingest request does: the
// request counter and duration (app.ts), the accepted, duplicate and rejected
// counters and the ingest duration (flow-events-app.ts). Passes alternate
// between the two registries; the figure is the median pass. A render of the
// filled registries is timed too and reported in the notes.
import { pathToFileURL } from 'node:url';
import { createMetrics, type Metrics } from '../src/metrics.js';
import { createMetrics as createHandWritten } from './hand-written-metrics.js';
import { rateReport, type BenchReport } from './report.js';

const REQUESTS = 200_000;
const PASSES = 5;
const ROUTES = ['/api/v1/flow-events', '/api/v1/sessions', '/api/v1/sessions/:id', '/webhooks/gitlab'];

export async function run(): Promise<BenchReport> {
  const ours = createMetrics();
  const base = createHandWritten();
  onePass(ours, 10_000);
  onePass(base, 10_000);
  const oursRates: number[] = [];
  const baseRates: number[] = [];
  for (let p = 0; p < PASSES; p++) {
    oursRates.push(onePass(ours, REQUESTS));
    baseRates.push(onePass(base, REQUESTS));
  }
  const oursRender = await renderMs(ours);
  const baseRender = await renderMs(base);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const value = median(oursRates);
  const baseline = median(baseRates);
  return rateReport(
    'metrics registry, per ingest request',
    'requests/s',
    Math.round(value),
    { name: 'the hand-written registry it replaced', value: Math.round(baseline) },
    0.5,
    [
      `6 metric calls per request; ${(1e6 / value).toFixed(2)} µs per request (hand-written ${(1e6 / baseline).toFixed(2)} µs)`,
      `passes: ${oursRates.map((r) => Math.round(r)).join(', ')} against ${baseRates.map((r) => Math.round(r)).join(', ')}`,
      `render of the filled registry: ${oursRender.toFixed(2)} ms (hand-written ${baseRender.toFixed(2)} ms)`,
    ].join('; '),
  );
}

function onePass(m: Metrics, requests: number): number {
  const started = performance.now();
  for (let i = 0; i < requests; i++) {
    const route = ROUTES[i & 3]!;
    m.inc('flowtrail_http_requests_total', { method: 'POST', route, status: '202' });
    m.observe('flowtrail_http_request_duration_seconds', (i % 97) / 10_000, { route });
    m.inc('flowtrail_events_accepted_total', { source: 'flow_api' }, 1000);
    m.inc('flowtrail_events_duplicate_total', { source: 'flow_api' }, 0);
    m.inc('flowtrail_events_rejected_total', { source: 'flow_api' }, 0);
    m.observe('flowtrail_ingest_duration_seconds', (i % 89) / 1_000, { source: 'flow_api' });
  }
  return requests / ((performance.now() - started) / 1000);
}

async function renderMs(m: Metrics): Promise<number> {
  await m.render();
  const started = performance.now();
  for (let i = 0; i < 100; i++) await m.render();
  return (performance.now() - started) / 100;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await run(), null, 2));
}
