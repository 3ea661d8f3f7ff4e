import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../audit/index.js';
import type { NewEvent } from '../events.js';
import { useTestApp } from '../../test/support/app.js';
import { appendEvents, type CheckpointPolicy } from './append-events.js';

// appendEvents sends the rows in several INSERTs while it is still building
// leaves (INSERT_CHUNK at a time); these tests append more than one chunk.
describe('appendEvents with a batch of several INSERTs', () => {
  const t = useTestApp();
  const policy = (): CheckpointPolicy => ({ signer: t.signer, origin: 'flowtrail/test', every: 100_000 });
  const decisions = (n: number, sessionId: string): NewEvent[] =>
    Array.from({ length: n }, (_, i) => ({
      eventId: crypto.randomUUID(), type: 'duo_flow_decision_logged', sessionId, occurredAt: new Date(Date.UTC(2026, 2, 10, 14, 0, 0, i)).toISOString(),
      source: 'flow_api', projectPath: 'acme/payments', username: 'dwhitfield', data: { step: i, decision: `decision ${i}`, rationale: 'because' },
    }));
  const counts = async () => (await t.deps.sql<{ n: number; size: number }[]>`
    select (select count(*)::int from audit_events) as n, (select size::int from log_state) as size`)[0]!;

  it('stores every event once, in gap-free order, and the log verifies', async () => {
    const start = (await counts()).size;
    const events = decisions(1_100, 'chunks-1');
    const r = await t.deps.sql.begin((tx) => appendEvents(tx, events, policy()));
    expect(r).toMatchObject({ accepted: 1_100, duplicates: 0 });
    const rows = await t.deps.sql<{ seq: number; eventId: string }[]>`select seq, event_id from audit_events where seq >= ${start} and type = 'duo_flow_decision_logged' order by seq`;
    expect(rows.map((x) => x.seq)).toEqual(events.map((_, i) => start + i));
    expect(rows.map((x) => x.eventId)).toEqual(events.map((e) => e.eventId));
    // Texts and their salt, where the event has texts; SQL NULL (not a JSON null) where it has none.
    const texts = await t.deps.sql<{ withTexts: number; jsonNull: number; withoutTexts: number }[]>`
      select count(*) filter (where texts is not null and text_salt is not null)::int as with_texts, count(*) filter (where texts = 'null'::jsonb)::int as json_null,
        count(*) filter (where texts is null and text_salt is null)::int as without_texts
      from audit_events where seq >= ${start}`;
    expect(texts[0]).toMatchObject({ withTexts: 1_100, jsonNull: 0 });
    expect(texts[0]!.withoutTexts).toBeGreaterThan(0);
    const again = await t.deps.sql.begin((tx) => appendEvents(tx, [...events.slice(0, 300), ...decisions(300, 'chunks-1')], policy()));
    expect(again).toMatchObject({ accepted: 300, duplicates: 300 });
    await t.deps.integrator.checkpoint(true);
    const v = await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test');
    expect(v.problems).toEqual([]);
    expect(v.events).toBe((await counts()).size);
  });

  it('keeps nothing of a batch whose first INSERT PostgreSQL refuses while later leaves are still being built', async () => {
    await t.deps.sql.begin((tx) => appendEvents(tx, decisions(3, 'before'), policy()));
    const { size } = await counts();
    const events = decisions(700, 'chunks-2');
    // Year 0 is no date PostgreSQL stores; the first chunk fails while appendEvents goes on hashing.
    events[5] = { ...events[5]!, occurredAt: '0000-01-01T00:00:00.000Z' };
    await expect(t.deps.sql.begin((tx) => appendEvents(tx, events, policy()))).rejects.toMatchObject({ code: expect.stringMatching(/^22/) });
    expect(await counts()).toEqual({ n: size, size });
    // The log goes on from where it was.
    const after = await t.deps.sql.begin((tx) => appendEvents(tx, decisions(600, 'after'), policy()));
    expect(after.accepted).toBe(600);
    expect(await counts()).toEqual({ n: size + after.appended, size: size + after.appended });
    expect((await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test')).problems).toEqual([]);
  });
});
