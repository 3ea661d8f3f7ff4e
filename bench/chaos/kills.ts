// kill -9 of a random live replica at seeded random moments, each restarted
// at once (as Kubernetes restarts a pod), timing spawn to /-/readiness 200.
import type { Prng } from '../prng.js';
import { killReplica, startReplica, type LogLine, type Replica } from './replicas.js';

export interface KillRecord {
  atMs: number;
  replica: number;
  pid: number | null;
  /** Spawn to /-/readiness 200; null when the restart failed. */
  readyMs: number | null;
  error?: string;
}

export async function runKills(replicas: Replica[], logs: LogLine[], prng: Prng, o: { kills: number; durationMs: number; startedAt: number; say: (s: string) => void }): Promise<KillRecord[]> {
  const moments = Array.from({ length: o.kills }, () => Math.round((0.05 + 0.85 * prng.next()) * o.durationMs)).sort((a, b) => a - b);
  const records: KillRecord[] = [];
  const restarts: Promise<void>[] = [];
  for (const at of moments) {
    const wait = o.startedAt + at - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    // Only a replica that is up is killed; with one replica (PGlite) that may mean waiting for its restart.
    let up = replicas.filter((r) => r.state === 'up');
    while (up.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      up = replicas.filter((r) => r.state === 'up');
    }
    const victim = prng.pick(up);
    const pid = victim.child?.pid ?? null;
    await killReplica(victim);
    o.say(`kill -9 replica ${victim.index} (pid ${pid})`);
    const record: KillRecord = { atMs: Date.now() - o.startedAt, replica: victim.index, pid, readyMs: null };
    records.push(record);
    // Restarted at once, as Kubernetes does; the next kill does not wait for it.
    restarts.push((async () => {
      for (let attempt = 0; attempt < 3 && record.readyMs === null; attempt++) {
        try {
          record.readyMs = await startReplica(victim, logs);
          o.say(`replica ${victim.index} restarted, ready in ${Math.round(record.readyMs)} ms`);
        } catch (err) {
          record.error = `${record.error ?? ''}${err instanceof Error ? err.message : String(err)}; `;
          o.say(`replica ${victim.index} restart failed: ${String(err)}`);
        }
      }
    })());
  }
  await Promise.all(restarts);
  return records;
}
