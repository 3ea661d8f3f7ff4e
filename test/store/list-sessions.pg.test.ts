import { describe, expect, it } from 'vitest';
import { eventsOfSessions, listSessions } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

describe('listSessions', () => {
  const t = useTestApp();
  const seed = () =>
    t.ingest([
      startedEvent('s1', at(1), { user: { id: 1187, username: 'dwhitfield' }, project: { id: 4821, path: 'acme/payments' } }),
      startedEvent('s2', at(2), { user: { id: 2231, username: 'mchen' }, project: { id: 4821, path: 'acme/payments' } }),
      startedEvent('s3', at(3), { user: { id: 1187, username: 'dwhitfield' }, project: { id: 77, path: 'acme/4821' } }),
      flowEvent('duo_flow_decision_logged', 's1', at(4), { step: 1, decision: 'use half-even' }),
      flowEvent('duo_flow_decision_logged', 's3', at(5), { step: 1, decision: 'split the module' }),
    ]);
  const ids = async (f: Parameters<typeof listSessions>[1]) => (await listSessions(t.deps.sql, f, 10)).map((r) => r.sessionId);

  it('filters by project id alone, while project still takes a path or an id', async () => {
    await seed();
    expect(await ids({ projectId: '4821' })).toEqual(['s2', 's1']);
    expect(await ids({ projectId: '77' })).toEqual(['s3']);
    expect(await ids({ project: '77' })).toEqual(['s3']);
    expect(await ids({ project: 'acme/payments' })).toEqual(['s2', 's1']);
    expect(await ids({ projectId: 'acme/payments' })).toEqual([]);
  });

  it('filters by the initiator id, alone and with other filters', async () => {
    await seed();
    expect(await ids({ userId: '1187' })).toEqual(['s3', 's1']);
    expect(await ids({ userId: '1187', projectId: '4821' })).toEqual(['s1']);
    expect(await ids({ userId: '1187', username: 'mchen' })).toEqual([]);
    expect(await ids({})).toEqual(['s3', 's2', 's1']);
  });

  it('reads the events of several sessions in one query, each in occurrence order', async () => {
    await seed();
    const slices = [{ types: ['duo_flow_decision_logged', 'duo_flow_started'], end: 'first', limit: 1000 }] as const;
    const rows = await eventsOfSessions(t.deps.sql, ['s1', 's3', 'missing'], slices);
    const leaves = rows.map((r) => JSON.parse(r.leaf!) as { session_id: string; type: string });
    expect(leaves.map((l) => `${l.session_id}:${l.type}`)).toEqual(['s1:duo_flow_started', 's1:duo_flow_decision_logged', 's3:duo_flow_started', 's3:duo_flow_decision_logged']);
    expect(await eventsOfSessions(t.deps.sql, [], slices)).toEqual([]);
    // Each slice is read from its end of each session and limited: the latest event alone, per session.
    const latest = await eventsOfSessions(t.deps.sql, ['s1', 's3'], [{ types: ['duo_flow_decision_logged', 'duo_flow_started'], end: 'last', limit: 1 }]);
    expect(latest.map((r) => JSON.parse(r.leaf!) as { session_id: string; type: string }).map((l) => `${l.session_id}:${l.type}`))
      .toEqual(['s1:duo_flow_decision_logged', 's3:duo_flow_decision_logged']);
  });
});
