// The shape every benchmark in bench/ returns. Each one measures its own
// baseline in the same run and reports the ratio, so a figure is never read
// without the thing it is compared against.
export interface BenchReport {
  name: string;
  metric: string; // e.g. 'events/s', 'MB/s', 'ms p99'
  value: number;
  baseline: { name: string; value: number };
  /** value / baseline.value for rates; baseline.value / value for latencies (higher is better). */
  ratio: number;
  /** Human-readable target, e.g. '>= 0.5x baseline'. */
  target: string;
  pass: boolean;
  notes?: string;
  /** Markdown printed after the summary (per-kind detail). */
  table?: string;
}

export function rateReport(
  name: string,
  metric: string,
  value: number,
  baseline: { name: string; value: number },
  minRatio: number,
  notes?: string,
): BenchReport {
  const ratio = value / baseline.value;
  return { name, metric, value, baseline, ratio, target: `>= ${minRatio}x baseline`, pass: ratio >= minRatio, notes };
}
