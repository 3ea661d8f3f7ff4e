import type { FC } from 'hono/jsx';

/** Bars per UTC day, drawn on the server (no script, no inline style: the CSP forbids both). */
export const DayChart: FC<{ from: Date; to: Date; counts: { day: Date; n: number }[]; label: string }> = ({ from, to, counts, label }) => {
  const byDay = new Map(counts.map((c) => [c.day.toISOString().slice(0, 10), c.n]));
  const days: { key: string; n: number }[] = [];
  for (let t = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate()); t < to.getTime() && days.length < 400; t += 86_400_000) {
    const key = new Date(t).toISOString().slice(0, 10);
    days.push({ key, n: byDay.get(key) ?? 0 });
  }
  const max = Math.max(1, ...days.map((d) => d.n));
  const w = 800;
  const h = 140;
  const bw = w / Math.max(days.length, 1);
  const total = days.reduce((a, d) => a + d.n, 0);
  return (
    <figure>
      <svg class="chart" viewBox={`0 0 ${w} ${h + 20}`} width="100%" height="180" role="img" aria-label={`${label}: ${total} in ${days.length} days, at most ${max} a day`}>
        <line x1="0" y1={String(h)} x2={String(w)} y2={String(h)} />
        {days.map((d, i) => {
          const bh = Math.round((d.n / max) * (h - 10));
          return <rect class="bar" x={(i * bw + 1).toFixed(1)} y={String(h - bh)} width={Math.max(bw - 2, 1).toFixed(1)} height={String(bh)}><title>{`${d.key}: ${d.n}`}</title></rect>;
        })}
        <text x="0" y={String(h + 14)}>{days[0]?.key ?? ''}</text>
        <text x={String(w)} y={String(h + 14)} text-anchor="end">{days[days.length - 1]?.key ?? ''}</text>
        <text x={String(w)} y="10" text-anchor="end">max {max}/day</text>
      </svg>
      <figcaption class="muted">{label}: {total} in {days.length} days</figcaption>
    </figure>
  );
};
