// The mixed load: agent sessions told through flow events (single and
// batched), the GitLab webhook deliveries their work causes (merge request
// hooks that trigger write-back, pushes with session trailers, notes), and
// audit-stream events. Bodies are built from test/fixtures.
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { deterministicUuid } from '../../src/gitlab/index.js';
import { deliveryDedupeKey } from '../../src/ingest/delivery-dedupe-key.js';
import { FIXTURES } from './paths.js';
import type { Prng } from '../prng.js';
import type { Ledger, Sender } from './sender.js';

export const PROJECT = { id: 4821, path: 'acme-platform/payments-api' };
export const AGENT = { id: 77215, username: 'duo-developer-acme-platform', name: 'Duo Developer' };

type Json = Record<string, unknown>;
const fixture = (name: string): Json => JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Json;
const templates = {
  mr: fixture('gitlab-webhooks/merge_request_open.json'),
  push: fixture('gitlab-webhooks/push.json'),
  note: fixture('gitlab-webhooks/note_on_mr.json'),
  audit: fixture('gitlab-dap/audit_api_request_access_with_scope.json'),
};
const sha = () => randomBytes(20).toString('hex');
const now = () => new Date().toISOString();
/** GitLab's webhook time format. */
const gitlabTime = (d = new Date()) => `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;

export interface TrafficContext {
  sender: Sender;
  ledger: Ledger;
  prng: Prng;
  ingestToken: string;
  webhookSecret: string;
  streamingToken: string;
}

export function startedEvent(sessionId: string): Json {
  return {
    event_id: randomUUID(), type: 'duo_flow_started', session_id: sessionId, occurred_at: now(),
    user: { id: 1187, username: 'dwhitfield' }, agent: { id: AGENT.id, username: AGENT.username }, project: PROJECT,
    flow_type: 'software_development', input_prompt: 'Implement half-even rounding for ledger totals',
    authorization: { verified_at: now(), method: 'composite_identity', scopes: ['ai_workflows'] },
  };
}

const decision = (sessionId: string, i: number): Json => ({
  event_id: randomUUID(), type: 'duo_flow_decision_logged', session_id: sessionId, occurred_at: now(),
  step: `step-${i}`, decision: `edit src/ledger/round.ts (${i})`, rationale: 'half-even avoids a bias in totals',
});

/**
 * Sends one request, or now and then the same one twice at once to two replicas (a sender that
 * timed out and retried while the first was still being served); acknowledged when any copy is.
 */
async function sendOnce(c: TrafficContext, twice: number, send: () => Promise<Record<string, unknown> | null>): Promise<Record<string, unknown> | null> {
  const copies = c.prng.next() < twice ? 2 : 1;
  if (copies === 2) c.ledger.concurrentCopies++;
  const answers = await Promise.all(Array.from({ length: copies }, send));
  return answers.find((a) => a !== null) ?? null;
}

/** POST /api/v1/flow-events (one event or an array); every event is acknowledged by the 202. */
export async function postEvents(c: TrafficContext, events: Json[], single: boolean): Promise<boolean> {
  const body = JSON.stringify(single ? events[0] : events);
  const res = await sendOnce(c, 0.1, () => c.sender.post('/api/v1/flow-events', { authorization: `Bearer ${c.ingestToken}` }, body, `flow events ${String(events[0]!.event_id)}+${events.length - 1}`));
  if (res === null) return false;
  if (Array.isArray(res.rejected) && res.rejected.length > 0) c.ledger.failures.push(`flow events rejected: ${JSON.stringify(res.rejected).slice(0, 300)}`);
  for (const e of events) c.ledger.events.set(String(e.event_id), String(e.type));
  return true;
}

/** POST /webhooks/gitlab as GitLab sends it; the delivery's dedupe key is acknowledged by the 200. */
export async function deliver(c: TrafficContext, event: string, payload: Json): Promise<boolean> {
  const body = JSON.stringify(payload);
  const uuid = randomUUID();
  const headers: Record<string, string> = { 'X-Gitlab-Event': event, 'X-Gitlab-Token': c.webhookSecret, 'X-Gitlab-Event-UUID': uuid, 'X-Gitlab-Webhook-UUID': '0ade7699-44c3-4910-8ccf-c1f0f0c470ec', 'User-Agent': 'GitLab/18.9.2' };
  const key = deliveryDedupeKey((name) => (name === 'x-gitlab-event-uuid' ? uuid : undefined), event, body);
  const res = await sendOnce(c, 0.2, () => c.sender.post('/webhooks/gitlab', headers, body, `${event} ${uuid}`));
  if (res === null) return false;
  c.ledger.deliveries.set(key, event);
  return true;
}

function mergeRequestHook(sessionId: string, iid: number, action: string): Json {
  const b = structuredClone(templates.mr);
  const attrs = b.object_attributes as Json;
  Object.assign(attrs, {
    id: 310000 + iid, iid, action, state: 'opened', description: 'Implements half-even rounding.', source_branch: `duo/chaos-${sessionId}`,
    updated_at: gitlabTime(), last_commit: { ...(attrs.last_commit as Json), id: sha(), message: `fix(ledger): half-even rounding\n\nX-GitLab-Duo-Session: ${sessionId}\n` },
  });
  delete b.changes;
  return b;
}

function pushHook(sessionId: string, prng: Prng): Json {
  const b = structuredClone(templates.push);
  const base = (b.commits as Json[])[0]!;
  const commits = Array.from({ length: 1 + prng.int(3) }, (_, i) => ({
    ...base, id: sha(), message: `fix(ledger): part ${i}\n\nX-GitLab-Duo-Session: ${sessionId}\n`, timestamp: now(),
  }));
  return { ...b, before: sha(), after: commits.at(-1)!.id, checkout_sha: commits.at(-1)!.id, ref: `refs/heads/duo/chaos-${sessionId}`, commits, total_commits_count: commits.length };
}

function noteHook(iid: number, n: number): Json {
  const b = structuredClone(templates.note);
  Object.assign(b.object_attributes as Json, { id: 2290000 + n, note: `Looks right (${n}).`, created_at: gitlabTime(), updated_at: gitlabTime() });
  Object.assign(b.merge_request as Json, { iid, id: 310000 + iid });
  return b;
}

/**
 * One agent session as it happens: started, decisions (single and batched),
 * its merge request (GitLab sends several deliveries for it at once: open
 * and updates, each possibly to another replica), a push of its commits, a
 * review note, and its end.
 */
export async function runSession(c: TrafficContext, n: number): Promise<void> {
  const sessionId = String(500000 + n);
  const iid = 1000 + n;
  if (!(await postEvents(c, [startedEvent(sessionId)], true))) return;
  for (let b = 0; b < 1 + c.prng.int(3); b++) {
    const single = c.prng.next() < 0.3;
    const events = Array.from({ length: single ? 1 : 5 + c.prng.int(16) }, (_, i) => decision(sessionId, b * 100 + i));
    if (!(await postEvents(c, events, single))) return;
  }
  const acks = await Promise.all(['open', 'update', 'update'].map((action) => deliver(c, 'Merge Request Hook', mergeRequestHook(sessionId, iid, action))));
  if (acks.some(Boolean)) c.ledger.writeBacks.add(`${PROJECT.id}/${iid}#${sessionId}`);
  await deliver(c, 'Push Hook', pushHook(sessionId, c.prng));
  await deliver(c, 'Note Hook', noteHook(iid, n));
  await postEvents(c, [{ event_id: randomUUID(), type: 'duo_flow_completed', session_id: sessionId, occurred_at: now(), outcome_summary: 'merge request opened' }], true);
}

/** POST /webhooks/gitlab/audit-events: one audit event or a few in an array; each maps to the event id `gitlab_audit:<id>#0`. */
export async function sendAuditEvents(c: TrafficContext, firstId: number, count: number): Promise<boolean> {
  const items = Array.from({ length: count }, (_, i) => ({ ...structuredClone(templates.audit), id: firstId + i, created_at: now() }));
  const body = JSON.stringify(count === 1 ? items[0] : items);
  const res = await c.sender.post('/webhooks/gitlab/audit-events', { 'X-Gitlab-Event-Streaming-Token': c.streamingToken, 'X-Gitlab-Audit-Event-Type': 'api_request_access_with_scope' }, body, `audit events ${firstId}+${count - 1}`);
  if (res === null) return false;
  if (Array.isArray(res.rejected) && res.rejected.length > 0) c.ledger.failures.push(`audit events rejected: ${JSON.stringify(res.rejected).slice(0, 300)}`);
  for (const item of items) c.ledger.events.set(deterministicUuid(`gitlab_audit:${item.id}#0`), 'gitlab_audit');
  return true;
}
