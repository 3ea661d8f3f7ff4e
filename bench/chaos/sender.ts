// The round-robin "load balancer" and the retrying sender: each request goes
// to a random live replica; what is not acknowledged (connection error, 5xx,
// 429, timeout) is sent again with the same idempotency key and the same body,
// as GitLab and agents do. A 2xx is an acknowledgement, and the ledger keeps it.
import type { Prng } from '../prng.js';
import type { Replica } from './replicas.js';

export interface Ledger {
  /** HTTP requests made, retries included. */
  requests: number;
  retries: number;
  /** Acknowledged event ids (flow events and the events audit-stream items map to), with their kind. */
  events: Map<string, string>;
  /** Acknowledged webhook deliveries: dedupe key → X-Gitlab-Event. */
  deliveries: Map<string, string>;
  /** Pushes the hook accepted (branch names), and how many attempts they took in all. */
  pushes: string[];
  pushAttempts: number;
  /** `project/iid#session` of every merge request whose agent MR delivery was acknowledged. */
  writeBacks: Set<string>;
  /** Requests sent twice at once to two replicas, as a sender that timed out and retried while the first was still served. */
  concurrentCopies: number;
  /** Sends that were never acknowledged before the deadline (not lost: never acknowledged). */
  unacknowledged: string[];
  /** Answers that are neither an acknowledgement nor retryable (4xx), and harness errors. */
  failures: string[];
}

export function createLedger(): Ledger {
  return { requests: 0, retries: 0, concurrentCopies: 0, events: new Map(), deliveries: new Map(), pushes: [], pushAttempts: 0, writeBacks: new Set(), unacknowledged: [], failures: [] };
}

export interface Sender {
  /** A random replica that is up, waiting for one when none is. */
  pick(): Promise<Replica>;
  /** POSTs until a 2xx (answers its JSON) or until the deadline (answers null and records it as unacknowledged). */
  post(path: string, headers: Record<string, string>, body: string, what: string): Promise<Record<string, unknown> | null>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function createSender(replicas: readonly Replica[], prng: Prng, ledger: Ledger, o: { deadline: () => number; timeoutMs?: number }): Sender {
  const pick = async (): Promise<Replica> => {
    for (;;) {
      const up = replicas.filter((r) => r.state === 'up');
      if (up.length > 0) return prng.pick(up);
      await sleep(20);
    }
  };
  const post: Sender['post'] = async (path, headers, body, what) => {
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) {
        ledger.retries++;
        if (Date.now() > o.deadline()) {
          ledger.unacknowledged.push(what);
          return null;
        }
        await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + prng.next()));
      }
      const r = await pick();
      ledger.requests++;
      let res: Response;
      try {
        res = await fetch(`${r.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body, signal: AbortSignal.timeout(o.timeoutMs ?? 15_000) });
      } catch {
        continue;
      }
      const text = await res.text().catch(() => null);
      if (text === null) continue;
      if (res.status >= 200 && res.status < 300) {
        try {
          return JSON.parse(text) as Record<string, unknown>;
        } catch {
          ledger.failures.push(`${what}: ${res.status} with a body that is not JSON`);
          return {};
        }
      }
      if (res.status >= 500 || res.status === 429 || res.status === 408) continue;
      ledger.failures.push(`${what}: ${res.status} ${text.slice(0, 300)}`);
      return null;
    }
  };
  return { pick, post };
}
