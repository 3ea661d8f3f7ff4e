const UNITS: [string, number][] = [['year', 31_536_000], ['month', 2_592_000], ['day', 86_400], ['hour', 3_600], ['minute', 60]];

/** "3 hours ago", as the pages print it before their script refreshes it (the same wording). */
export function relativeTime(at: Date, now: Date = new Date()): string {
  let s = Math.round((now.getTime() - at.getTime()) / 1000);
  const future = s < 0;
  s = Math.abs(s);
  if (s < 45) return future ? 'in a few seconds' : 'just now';
  for (const [unit, size] of UNITS) {
    const n = Math.floor(s / size);
    if (n >= 1) {
      const words = `${n} ${unit}${n > 1 ? 's' : ''}`;
      return future ? `in ${words}` : `${words} ago`;
    }
  }
  return future ? 'in a minute' : 'a minute ago';
}

/** "1 h 4 min", "42 s". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${s % 60} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}
