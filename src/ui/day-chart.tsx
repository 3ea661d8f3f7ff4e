import type { FC } from 'hono/jsx';

/** One stacked part of each day's bar: counts whose `series` is `key` are drawn with the class `s-<key>`. */
export interface DaySeries {
  key: string;
  label: string;
}

const W = 800;
const H = 140;
const LEFT = 44;
const TOP = 8;
const PLOT_W = W - LEFT;
const PLOT_H = H - TOP;

/** A round step for the y axis so that the top tick is at or above `max`: 1, 2 or 5 times a power of ten. */
function niceTop(max: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(max, 1)));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

/**
 * Bars per UTC day, drawn on the server (no script, no inline style: the CSP
 * forbids both), with a y axis (0, half, top) and the first, middle and last
 * day on the x axis. With `series`, each day's bar is stacked by the counts'
 * `series` (in the order given) and a legend names each part; without, one
 * bar per day.
 */
export const DayChart: FC<{ from: Date; to: Date; counts: { day: Date; n: number; series?: string }[]; label: string; series?: readonly DaySeries[] }> = ({ from, to, counts, label, series }) => {
  const parts = series ?? [{ key: '', label }];
  const byDay = new Map<string, Map<string, number>>();
  for (const c of counts) {
    const key = c.day.toISOString().slice(0, 10);
    const m = byDay.get(key) ?? new Map<string, number>();
    const s = series === undefined ? '' : c.series ?? '';
    m.set(s, (m.get(s) ?? 0) + c.n);
    byDay.set(key, m);
  }
  const days: { key: string; parts: number[]; n: number }[] = [];
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t < to.getTime() && days.length < 400; t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    const m = byDay.get(key);
    const ps = parts.map((p) => m?.get(p.key) ?? 0);
    days.push({ key, parts: ps, n: ps.reduce((a, b) => a + b, 0) });
  }
  const max = Math.max(1, ...days.map((d) => d.n));
  const top = niceTop(max);
  const bw = PLOT_W / Math.max(days.length, 1);
  const total = days.reduce((a, d) => a + d.n, 0);
  const y = (v: number) => TOP + PLOT_H - (v / top) * PLOT_H;
  const ticks = [0, top / 2, top].filter((v, i, a) => Number.isInteger(v) && a.indexOf(v) === i);
  const xLabels = days.length === 0 ? [] : [...new Set([0, Math.floor((days.length - 1) / 2), days.length - 1])];
  return (
    <figure>
      <svg class="chart" viewBox={`0 0 ${W} ${H + 20}`} width="100%" height="180" role="img" aria-label={`${label}: ${total} in ${days.length} days, at most ${max} a day`}>
        {ticks.map((v) => (
          <g class="tick">
            <line class={v === 0 ? 'axis' : 'grid'} x1={String(LEFT)} y1={y(v).toFixed(1)} x2={String(W)} y2={y(v).toFixed(1)} />
            <text x={String(LEFT - 4)} y={(y(v) + 3).toFixed(1)} text-anchor="end">{v.toLocaleString('en-US')}</text>
          </g>
        ))}
        <line class="axis" x1={String(LEFT)} y1={String(TOP)} x2={String(LEFT)} y2={String(H)} />
        {days.map((d, i) => {
          const x = (LEFT + i * bw + 1).toFixed(1);
          const w = Math.max(bw - 2, 1).toFixed(1);
          const title = series === undefined ? `${d.key}: ${d.n}` : `${d.key}: ${d.n} (${parts.map((p, k) => `${p.label} ${d.parts[k]}`).join(', ')})`;
          if (series === undefined) {
            const bh = (d.n / top) * PLOT_H;
            return <rect class="bar" x={x} y={(TOP + PLOT_H - bh).toFixed(1)} width={w} height={bh.toFixed(1)}><title>{title}</title></rect>;
          }
          let below = 0;
          return (
            <g class="day">
              <title>{title}</title>
              {parts.map((p, k) => {
                const n = d.parts[k]!;
                if (n === 0) return null;
                const rect = <rect class={`bar s-${p.key}`} x={x} y={y(below + n).toFixed(1)} width={w} height={((n / top) * PLOT_H).toFixed(1)} />;
                below += n;
                return rect;
              })}
            </g>
          );
        })}
        {xLabels.map((i) => (
          <text x={(LEFT + (i + 0.5) * bw).toFixed(1)} y={String(H + 14)} text-anchor={i === 0 && days.length > 1 ? 'start' : i === days.length - 1 && days.length > 1 ? 'end' : 'middle'}>{days[i]!.key}</text>
        ))}
      </svg>
      {series === undefined ? null : (
        <ul class="legend">
          {parts.map((p, k) => <li><span class={`swatch s-${p.key}`} aria-hidden="true"></span>{p.label} ({days.reduce((a, d) => a + d.parts[k]!, 0).toLocaleString('en-US')})</li>)}
        </ul>
      )}
      <figcaption class="muted">{label}: {total.toLocaleString('en-US')} in {days.length} days; the axis counts sessions a day, up to {top.toLocaleString('en-US')}</figcaption>
    </figure>
  );
};
