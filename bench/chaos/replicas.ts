// The `flowtrail serve` replicas under test: real child processes of the
// compiled CLI, each on its own port, killed with SIGKILL and restarted as
// Kubernetes would. Every line a replica prints is kept for the log check.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { freePort } from '../free-port.js';
import { FLOWTRAIL_BIN } from './paths.js';

export interface LogLine {
  replica: number;
  generation: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface Replica {
  index: number;
  port: number;
  url: string;
  /** Only an `up` replica is given requests by the load balancer. */
  state: 'starting' | 'up' | 'down';
  child: ChildProcess | null;
  /** How many times it was spawned. */
  generation: number;
  env: Record<string, string>;
}

export function assertBuilt(): void {
  if (!existsSync(FLOWTRAIL_BIN)) throw new Error(`${FLOWTRAIL_BIN} is missing: run \`npm run build\` first (npm test and npm run chaos do)`);
}

// Replicas outlive nothing: if the harness exits (an error, a test that timed out), its children are killed with it.
const live = new Set<ChildProcess>();
process.once('exit', () => killAllReplicas());

/** kill -9 of every replica process still running (for a test's afterAll: a timed-out run leaves them behind). */
export function killAllReplicas(): void {
  for (const child of live) child.kill('SIGKILL');
}

export async function createReplica(index: number, env: Record<string, string>): Promise<Replica> {
  const port = await freePort();
  return { index, port, url: `http://127.0.0.1:${port}`, state: 'down', child: null, generation: 0, env: { ...env, FLOWTRAIL_PORT: String(port) } };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.exitCode) : new Promise((resolve) => child.once('exit', (code) => resolve(code)));

/** Spawns the replica and waits until /-/readiness answers 200; answers the milliseconds from spawn to ready. */
export async function startReplica(r: Replica, logs: LogLine[], timeoutMs = 60_000): Promise<number> {
  const t0 = performance.now();
  r.generation++;
  r.state = 'starting';
  const child = spawn(process.execPath, [FLOWTRAIL_BIN, 'serve'], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...r.env }, stdio: ['ignore', 'pipe', 'pipe'] });
  r.child = child;
  live.add(child);
  child.once('exit', () => live.delete(child));
  const generation = r.generation;
  for (const stream of ['stdout', 'stderr'] as const) {
    let rest = '';
    child[stream]!.on('data', (d: Buffer) => {
      const parts = (rest + d.toString('utf8')).split('\n');
      rest = parts.pop()!;
      for (const text of parts) if (text.trim() !== '') logs.push({ replica: r.index, generation, stream, text });
    });
    child[stream]!.on('end', () => {
      if (rest.trim() !== '') logs.push({ replica: r.index, generation, stream, text: rest });
    });
  }
  let gone = false;
  void exited(child).then(() => {
    gone = true;
    if (r.child === child) r.state = 'down';
  });
  while (performance.now() - t0 < timeoutMs) {
    if (gone) {
      const said = logs.filter((l) => l.replica === r.index && l.generation === generation).slice(-12).map((l) => l.text.slice(0, 500));
      throw new Error(`replica ${r.index} exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready; its last lines: ${said.join(' | ')}`);
    }
    const res = await fetch(`${r.url}/-/readiness`, { signal: AbortSignal.timeout(1000) }).catch(() => null);
    await res?.body?.cancel();
    if (res?.status === 200) {
      r.state = 'up';
      return performance.now() - t0;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  child.kill('SIGKILL');
  throw new Error(`replica ${r.index} was not ready within ${timeoutMs} ms`);
}

/** kill -9: no shutdown code runs. */
export async function killReplica(r: Replica): Promise<void> {
  const child = r.child;
  if (child === null) return;
  r.state = 'down';
  child.kill('SIGKILL');
  await exited(child);
}

/** SIGTERM as Kubernetes sends it; answers the exit code and how long it took (SIGKILL after timeoutMs, code null). */
export async function stopReplica(r: Replica, timeoutMs = 30_000): Promise<{ code: number | null; ms: number; killed: boolean }> {
  const child = r.child;
  if (child === null || child.exitCode !== null || child.signalCode !== null) return { code: child?.exitCode ?? null, ms: 0, killed: false };
  const t0 = performance.now();
  r.state = 'down';
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const code = await exited(child);
  clearTimeout(timer);
  return { code, ms: performance.now() - t0, killed: child.signalCode === 'SIGKILL' };
}
