// flowtrail's own figures, kept by prom-client (the Prometheus client most
// Node services use) in a registry of their own per service, so that two
// services in one process (tests, benchmarks) never share a series.
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

type Labels = Record<string, string>;

export interface Metrics {
  inc(name: string, labels?: Labels, by?: number): void;
  observe(name: string, seconds: number, labels?: Labels): void;
  /** Gauges computed at scrape time (queue depth, log size). */
  gauge(name: string, help: string, read: () => Promise<number> | number): void;
  /** Gauges with labels computed at scrape time, one value per label set (per streaming destination, say). */
  gaugeSeries(name: string, help: string, labelNames: readonly string[], read: () => Promise<{ labels: Labels; value: number }[]>): void;
  render(): Promise<string>;
}

/** Every counter with its help text and the labels its series carry. */
const COUNTERS: Record<string, { help: string; labels: string[] }> = {
  flowtrail_http_requests_total: { help: 'HTTP requests by route and status.', labels: ['method', 'route', 'status'] },
  flowtrail_events_accepted_total: { help: 'Events accepted into intake, by source.', labels: ['source'] },
  flowtrail_events_duplicate_total: { help: 'Events recognised as duplicates, by source.', labels: ['source'] },
  flowtrail_events_rejected_total: { help: 'Events rejected, by source.', labels: ['source'] },
  flowtrail_events_appended_total: { help: 'Events appended to the Merkle log.', labels: [] },
  flowtrail_auth_failures_total: { help: 'Requests refused for a missing or wrong credential, by endpoint kind.', labels: ['kind'] },
  flowtrail_checkpoint_sink_failures_total: { help: 'Checkpoint deliveries to a witness that failed (each is retried), by witness.', labels: ['witness'] },
  flowtrail_checkpoint_witness_deliveries_total: { help: 'Checkpoints delivered to a witness, by witness.', labels: ['witness'] },
  flowtrail_webhook_deliveries_total: { help: 'GitLab webhook deliveries, by event and outcome (stored or duplicate).', labels: ['event', 'outcome'] },
  flowtrail_jobs_total: { help: 'Job attempts by job name and outcome (done, retry, dead).', labels: ['name', 'outcome'] },
  flowtrail_push_checks_total: { help: 'Pushes checked for the pre-receive hook, by decision and mode.', labels: ['decision', 'mode'] },
  flowtrail_stream_events_delivered_total: { help: 'Events delivered to a streaming destination by this process, by destination.', labels: ['destination'] },
  flowtrail_alert_notifications_total: { help: 'Alerts announced (sent) and failed tries (failed) by this process, by channel (webhook, gitlab_issue).', labels: ['channel', 'outcome'] },
  flowtrail_otlp_spans_dropped_total: { help: 'OTLP spans dropped by this process\'s daily sweep after waiting longer than FLOWTRAIL_OTLP_PENDING_HOURS for their session span (each drop is recorded as otlp_spans_dropped).', labels: [] },
  flowtrail_stream_failures_total: { help: 'Failed delivery attempts to a streaming destination by this process, by destination.', labels: ['destination'] },
};
/** Every histogram (seconds) with its help text and labels. */
const HISTOGRAMS: Record<string, { help: string; labels: string[] }> = {
  flowtrail_ingest_duration_seconds: { help: 'Time from request to durable acknowledgement, by source.', labels: ['source'] },
  flowtrail_http_request_duration_seconds: { help: 'HTTP request duration by route.', labels: ['route'] },
};

const BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export function createMetrics(): Metrics {
  const registry = new Registry();
  const counters = new Map(
    Object.entries(COUNTERS).map(([name, c]) => [name, new Counter({ name, help: c.help, labelNames: c.labels, registers: [registry] })]),
  );
  const histograms = new Map(
    Object.entries(HISTOGRAMS).map(([name, h]) => [name, new Histogram({ name, help: h.help, labelNames: h.labels, buckets: BUCKETS, registers: [registry] })]),
  );
  return {
    inc(name, labels = {}, by = 1) {
      const c = counters.get(name);
      if (c === undefined) throw new Error(`unknown counter ${name}`);
      c.inc(labels, by);
    },
    observe(name, seconds, labels = {}) {
      const h = histograms.get(name);
      if (h === undefined) throw new Error(`unknown histogram ${name}`);
      h.observe(labels, seconds);
    },
    gauge(name, help, read) {
      // A second registration under one name replaces the first.
      registry.removeSingleMetric(name);
      new Gauge({
        name,
        help,
        registers: [registry],
        async collect() {
          this.set(await read());
        },
      });
    },
    gaugeSeries(name, help, labelNames, read) {
      registry.removeSingleMetric(name);
      new Gauge({
        name,
        help,
        labelNames: [...labelNames],
        registers: [registry],
        async collect() {
          this.reset();
          for (const { labels, value } of await read()) this.set(labels, value);
        },
      });
    },
    render: () => registry.metrics(),
  };
}
