import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { NewEvent } from '../events.js';
import { frontierRoot, signCheckpoint, type NoteSigner } from '../integrity/index.js';
import {
  claimPending, insertAuditRows, insertCheckpoint, latestCheckpoint, markIntegrated, readLogState,
  agentUsername, replaySession, saveSessionProjection, sessionTimeline, writeLogState, type Pool, type Sql,
} from '../store/index.js';
import { createLogWriter, type LogWriter } from './log-writer.js';

/** The advisory lock that makes one integrator at a time the only writer of the log, across processes. */
export const LOG_LOCK = 7_426_002;
const BATCH = 2000;

export interface IntegratorOptions {
  sql: Pool;
  signer: NoteSigner;
  origin: string;
  checkpointEvents: number;
  checkpointIntervalMs: number;
  log?: Logger;
  /** Called after commit with every new checkpoint note (external sinks). */
  onCheckpoint?: (note: string, treeSize: number) => Promise<void>;
  /** Called after commit with how many events were appended. */
  onAppended?: (count: number) => void;
}

export interface Integrator {
  /** Moves every pending submission into the log; resolves with the number of events appended. */
  integrate(): Promise<number>;
  /** Signs a checkpoint if events were appended since the last one (or always, with force, when the log is not empty). */
  checkpoint(force?: boolean): Promise<number | null>;
  /** Asks for an integration soon; coalesces bursts. */
  kick(): void;
  start(): void;
  /** Stops the timers, integrates what is pending and writes a final checkpoint. */
  stop(): Promise<void>;
}

export function createIntegrator(o: IntegratorOptions): Integrator {
  let chain: Promise<unknown> = Promise.resolve();
  let kicked = false;
  let timers: NodeJS.Timeout[] = [];
  const serial = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = chain.then(fn, fn);
    chain = next.catch(() => undefined);
    return next;
  };

  async function integrateOnce(): Promise<{ appended: number; notes: [string, number][] }> {
    return o.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOG_LOCK})`;
      const pending = await claimPending(tx, BATCH);
      if (pending.length === 0) return { appended: 0, notes: [] };
      const state = await readLogState(tx);
      const w = createLogWriter(state, new Date().toISOString());
      const touched = new Map<string, string>();
      for (const p of pending) {
        for (const e of p.events) {
          w.append(e);
          if (e.sessionId !== null && !touched.has(e.sessionId)) touched.set(e.sessionId, e.source);
        }
      }
      let batch = w.take();
      await insertAuditRows(tx, batch.rows, batch.texts);
      for (const [sessionId, source] of touched) await projectSession(tx, w, sessionId, source);
      const notes = await maybeCheckpoint(tx, w, false);
      batch = w.take();
      await insertAuditRows(tx, batch.rows, batch.texts);
      await writeLogState(tx, { size: w.size, frontier: w.frontier });
      await markIntegrated(tx, pending.map((p) => p.id));
      return { appended: w.size - state.size, notes };
    });
  }

  async function projectSession(tx: Sql, w: LogWriter, sessionId: string, source: string): Promise<void> {
    const timeline = await sessionTimeline(tx, sessionId);
    const state = replaySession(timeline);
    let appended = 0;
    if (state.violations.length > 0) {
      const fresh = await tx<{ eventId: string; rule: string }[]>`
        insert into lifecycle_flags (session_id, event_id, rule)
        select ${sessionId}, * from unnest(${state.violations.map((v) => v.eventId)}::uuid[], ${state.violations.map((v) => v.rule)}::text[])
        on conflict do nothing returning event_id, rule`;
      for (const f of fresh) {
        const violating = timeline.find((t) => t.eventId === f.eventId);
        w.append(systemEvent('duo_flow_lifecycle_violation', sessionId, violating?.occurredAt.toISOString() ?? new Date().toISOString(), {
          violating_event_id: f.eventId,
          violating_type: violating?.type ?? 'unknown',
          rule: f.rule,
        }));
        appended++;
      }
    }
    const agentId = state.start !== null ? idOf((state.start as { agent?: { id?: unknown } }).agent?.id) : null;
    const auth = [...timeline].reverse().find((t) => t.type === 'duo_flow_authorization_verified' || t.type === 'duo_flow_authorization_unverified');
    await saveSessionProjection(tx, sessionId, state, {
      eventsCount: timeline.length + appended,
      source,
      agentUsername: await agentUsername(tx, agentId),
      authorizationVerified: auth === undefined ? null : { status: auth.type.endsWith('_unverified') ? 'unverified' : 'verified', ...auth.data },
    });
  }

  async function maybeCheckpoint(tx: Sql, w: LogWriter, force: boolean): Promise<[string, number][]> {
    const last = await latestCheckpoint(tx);
    const lastSize = last?.treeSize ?? 0;
    // The checkpoint event itself is one leaf past the checkpoint: it alone never calls for another.
    const since = w.size - lastSize - (last === null ? 0 : 1);
    if (w.size === 0 || since <= 0 || (!force && since < o.checkpointEvents)) return [];
    const size = w.size;
    const root = frontierRoot(w.frontier);
    const note = signCheckpoint({ origin: o.origin, size, rootHash: root }, o.signer);
    await insertCheckpoint(tx, { treeSize: size, rootHash: root, note, frontier: w.frontier });
    w.append(systemEvent('integrity_checkpoint', null, new Date().toISOString(), { tree_size: size, root_hash: root.toString('base64') }));
    return [[note, size]];
  }

  async function checkpointNow(force: boolean): Promise<number | null> {
    const result = await o.sql.begin(async (tx) => {
      await tx`select pg_advisory_xact_lock(${LOG_LOCK})`;
      const state = await readLogState(tx);
      const w = createLogWriter(state, new Date().toISOString());
      const notes = await maybeCheckpoint(tx, w, force);
      if (notes.length === 0) return null;
      const batch = w.take();
      await insertAuditRows(tx, batch.rows, batch.texts);
      await writeLogState(tx, { size: w.size, frontier: w.frontier });
      return notes;
    });
    if (result === null) return null;
    await publish(result);
    return result[0]![1];
  }

  async function publish(notes: [string, number][]): Promise<void> {
    for (const [note, size] of notes) {
      await o.onCheckpoint?.(note, size).catch((err: unknown) => o.log?.error({ err, treeSize: size }, 'checkpoint sink failed'));
    }
  }

  const integrate = () =>
    serial(async () => {
      let total = 0;
      for (;;) {
        const { appended, notes } = await integrateOnce();
        await publish(notes);
        total += appended;
        if (appended === 0) break;
      }
      if (total > 0) o.onAppended?.(total);
      return total;
    });

  return {
    integrate,
    checkpoint: (force = false) => serial(() => checkpointNow(force)),
    kick() {
      if (kicked) return;
      kicked = true;
      setImmediate(() => {
        kicked = false;
        integrate().catch((err: unknown) => o.log?.error({ err }, 'integration failed; will retry'));
      });
    },
    start() {
      timers = [
        setInterval(() => this.kick(), 1000),
        setInterval(() => {
          this.checkpoint().catch((err: unknown) => o.log?.error({ err }, 'checkpoint failed'));
        }, o.checkpointIntervalMs),
      ];
      for (const t of timers) t.unref();
    },
    async stop() {
      for (const t of timers) clearInterval(t);
      timers = [];
      await integrate();
      await this.checkpoint(true);
    },
  };
}

function idOf(v: unknown): string | null {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : null;
}

export function systemEvent(type: NewEvent['type'], sessionId: string | null, occurredAt: string, data: Record<string, unknown>, extra: Partial<NewEvent> = {}): NewEvent {
  return { eventId: randomUUID(), type, sessionId, occurredAt, source: 'system', data, ...extra };
}
