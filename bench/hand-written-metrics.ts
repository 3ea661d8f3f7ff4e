// The hand-written Prometheus registry src/metrics.ts held before it moved to
// prom-client, kept unchanged as the baseline of bench/metrics.ts.
type Labels = Record<string, string>;

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

interface Counter {
  help: string;
  values: Map<string, number>;
}
interface Histogram {
  help: string;
  series: Map<string, { buckets: number[]; sum: number; count: number }>;
}

export interface Metrics {
  inc(name: string, labels?: Labels, by?: number): void;
  observe(name: string, seconds: number, labels?: Labels): void;
  /** Gauges computed at scrape time (queue depth, log size). */
  gauge(name: string, help: string, read: () => Promise<number> | number): void;
  gaugeSeries(name: string, help: string, labelNames: readonly string[], read: () => Promise<{ labels: Labels; value: number }[]>): void;
  render(): Promise<string>;
}

const COUNTERS: Record<string, string> = {
  flowtrail_http_requests_total: 'HTTP requests by route and status.',
  flowtrail_events_accepted_total: 'Events accepted into intake, by source.',
  flowtrail_events_duplicate_total: 'Events recognised as duplicates, by source.',
  flowtrail_events_rejected_total: 'Events rejected, by source.',
  flowtrail_events_appended_total: 'Events appended to the Merkle log.',
  flowtrail_auth_failures_total: 'Requests refused for a missing or wrong credential, by endpoint kind.',
  flowtrail_checkpoint_sink_failures_total: 'Checkpoint copies that could not be written to an external sink.',
  flowtrail_webhook_deliveries_total: 'GitLab webhook deliveries, by event and outcome (stored or duplicate).',
  flowtrail_jobs_total: 'Job attempts by job name and outcome (done, retry, dead).',
  flowtrail_push_checks_total: 'Pushes checked for the pre-receive hook, by decision and mode.',
};
const HISTOGRAMS: Record<string, string> = {
  flowtrail_ingest_duration_seconds: 'Time from request to durable acknowledgement, by source.',
  flowtrail_http_request_duration_seconds: 'HTTP request duration by route.',
};

const key = (labels: Labels = {}) =>
  Object.keys(labels)
    .sort()
    .map((k) => `${k}="${String(labels[k]).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
    .join(',');

export function createMetrics(): Metrics {
  const counters = new Map<string, Counter>(Object.entries(COUNTERS).map(([n, help]) => [n, { help, values: new Map() }]));
  const histograms = new Map<string, Histogram>(Object.entries(HISTOGRAMS).map(([n, help]) => [n, { help, series: new Map() }]));
  const gauges = new Map<string, { help: string; read: () => Promise<number> | number }>();
  const series = new Map<string, { help: string; read: () => Promise<{ labels: Labels; value: number }[]> }>();
  return {
    inc(name, labels, by = 1) {
      const c = counters.get(name);
      if (c === undefined) throw new Error(`unknown counter ${name}`);
      const k = key(labels);
      c.values.set(k, (c.values.get(k) ?? 0) + by);
    },
    observe(name, seconds, labels) {
      const h = histograms.get(name);
      if (h === undefined) throw new Error(`unknown histogram ${name}`);
      const k = key(labels);
      let s = h.series.get(k);
      if (s === undefined) {
        s = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 };
        h.series.set(k, s);
      }
      for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]!) s.buckets[i]!++;
      s.sum += seconds;
      s.count++;
    },
    gauge(name, help, read) {
      gauges.set(name, { help, read });
    },
    gaugeSeries(name, help, _labelNames, read) {
      series.set(name, { help, read });
    },
    async render() {
      const out: string[] = [];
      for (const [name, c] of counters) {
        out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`);
        for (const [k, v] of c.values) out.push(`${name}${k ? `{${k}}` : ''} ${v}`);
      }
      for (const [name, h] of histograms) {
        out.push(`# HELP ${name} ${h.help}`, `# TYPE ${name} histogram`);
        for (const [k, s] of h.series) {
          const pre = k ? `${k},` : '';
          BUCKETS.forEach((b, i) => out.push(`${name}_bucket{${pre}le="${b}"} ${s.buckets[i]}`));
          out.push(`${name}_bucket{${pre}le="+Inf"} ${s.count}`, `${name}_sum${k ? `{${k}}` : ''} ${s.sum}`, `${name}_count${k ? `{${k}}` : ''} ${s.count}`);
        }
      }
      for (const [name, g] of gauges) {
        out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`, `${name} ${await g.read()}`);
      }
      for (const [name, g] of series) {
        out.push(`# HELP ${name} ${g.help}`, `# TYPE ${name} gauge`);
        for (const { labels, value } of await g.read()) out.push(`${name}{${key(labels)}} ${value}`);
      }
      return `${out.join('\n')}\n`;
    },
  };
}
