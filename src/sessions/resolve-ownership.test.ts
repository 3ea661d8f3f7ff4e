import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from './replay-session.js';
import { resolveOwnership } from './resolve-ownership.js';

const alice = { id: 1187, username: 'dwhitfield' };
const mallory = { id: 6666, username: 'mallory' };
const project = { id: 4821, path: 'acme-platform/payments-api' };
const entry = (seq: number, type: string, source: string, data: Record<string, unknown>, minute = seq): TimelineEntry => ({
  seq, eventId: `e-${seq}`, type, source, occurredAt: new Date(Date.UTC(2026, 2, 10, 14, minute)), data,
});

describe('resolveOwnership', () => {
  it('takes the earliest statement by seq, whatever its occurred_at, and flags a later one naming someone else', () => {
    const o = resolveOwnership([
      entry(1, 'duo_flow_started', 'flow_api', { user: alice, project, flow_type: 'software_development' }, 30),
      entry(2, 'duo_flow_started', 'flow_api', { user: mallory, project: { id: 9, path: 'mallory/loot' } }, 0),
    ]);
    expect(o).toMatchObject({ user: { id: '1187', username: 'dwhitfield' }, project: { id: '4821', path: 'acme-platform/payments-api' }, flowType: 'software_development' });
    expect(o.conflicts).toEqual([
      { eventId: 'e-2', type: 'duo_flow_started', rule: 'initiator_conflict' },
      { eventId: 'e-2', type: 'duo_flow_started', rule: 'project_conflict' },
    ]);
  });

  it("lets GitLab's statement outrank an earlier flow-API one, flagging the outranked one as overridden", () => {
    const o = resolveOwnership([
      entry(1, 'duo_flow_started', 'flow_api', { user: mallory, project }),
      entry(2, 'duo_flow_started', 'gitlab_audit_stream', { user: { id: '1187', username: 'dwhitfield', name: 'Dana' }, project }),
    ]);
    expect(o.user).toEqual({ id: '1187', username: 'dwhitfield' });
    expect(o.conflicts).toEqual([{ eventId: 'e-1', type: 'duo_flow_started', rule: 'initiator_overridden' }]);
  });

  it('fills missing fields from agreeing statements of the same rank only', () => {
    const created = entry(1, 'duo_flow_created', 'gitlab_audit_stream', { user: { id: '1187', username: null }, project });
    const sameRank = resolveOwnership([created, entry(2, 'duo_flow_started', 'gitlab_webhook', { user: alice })]);
    expect(sameRank.user).toEqual({ id: '1187', username: 'dwhitfield' });
    const lowerRank = resolveOwnership([created, entry(2, 'duo_flow_started', 'flow_api', { user: { id: 1187, username: 'mallory' } })]);
    expect(lowerRank.user).toEqual({ id: '1187', username: null });
    expect(lowerRank.conflicts).toEqual([]);
  });

  it('reads only create and start events, and names no one when none names anyone', () => {
    const o = resolveOwnership([entry(1, 'duo_flow_stopped', 'flow_api', { user: mallory, stopped_by: mallory })]);
    expect(o).toEqual({ user: { id: null, username: null }, agent: { id: null, username: null }, project: { id: null, path: null }, flowType: null, conflicts: [] });
  });
});
