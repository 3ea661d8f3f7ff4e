/** What a long command shows while it works: one line, redrawn in place. */
export interface Progress {
  /** Records how far the work is (redrawn at most every REDRAW_MS). */
  update(done: number, total?: number): void;
  /** Draws the last state and ends the line; the command's own output follows. */
  end(): void;
}

export const REDRAW_MS = 100;
const TICK_MS = 1000;

/** n as people read it: 1,000,000. */
export const count = (n: number): string => n.toLocaleString('en-US');

/** Bytes in the largest unit under 1,024 of it: 35.2 MB. */
export function bytes(n: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let v = n;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} bytes` : `${v.toFixed(1)} ${units[u]}`;
}

/**
 * A single updating line on stderr ("verified 120,000 of 1,000,000 events"),
 * only when stderr is a terminal: piped or redirected, the command stays
 * quiet and its output is exactly what it was. `line` words the state from
 * how much is done, the total when known, and the seconds since the start;
 * the line is also redrawn every second, so a step that reports nothing (one
 * statement in the database, one request to the service) still shows time
 * passing.
 */
export function createProgress(
  line: (done: number, total: number | undefined, seconds: number) => string,
  stream: { isTTY?: boolean; write(s: string): boolean } = process.stderr,
  now: () => number = Date.now,
): Progress {
  if (stream.isTTY !== true) return { update: () => undefined, end: () => undefined };
  const started = now();
  let done = 0;
  let total: number | undefined;
  let drawn = 0;
  const draw = () => {
    drawn = now();
    stream.write(`\r${line(done, total, Math.floor((drawn - started) / 1000))}\x1b[K`);
  };
  const timer = setInterval(draw, TICK_MS);
  timer.unref();
  draw();
  return {
    update(d, t) {
      done = d;
      if (t !== undefined) total = t;
      if (now() - drawn >= REDRAW_MS) draw();
    },
    end() {
      clearInterval(timer);
      draw();
      stream.write('\n');
    },
  };
}
