import { describe, expect, it } from 'vitest';
import { replaySession, type TimelineEntry } from './replay-session.js';

let seq = 0;
const at = (type: string, minute: number, data?: Record<string, unknown>): TimelineEntry => ({
  seq: seq++,
  eventId: `e-${seq}`,
  type,
  occurredAt: new Date(Date.UTC(2026, 2, 10, 14, minute)),
  data,
});
const sorted = (...e: TimelineEntry[]) => [...e].sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime() || a.seq - b.seq);

describe('replaySession', () => {
  it('follows a completed session and derives duration and resources', () => {
    const s = replaySession(sorted(
      at('duo_flow_started', 0, { flow_type: 'software_development' }),
      at('duo_flow_plan_generated', 1),
      at('duo_flow_resource_created', 5),
      at('duo_flow_resource_created', 6),
      at('duo_flow_completed', 17),
    ));
    expect(s.status).toBe('completed');
    expect(s.durationMs).toBe(17 * 60_000);
    expect(s.resourcesCreated).toBe(2);
    expect(s.resourcesCreatedBeforeFailure).toBeNull();
    expect(s.violations).toEqual([]);
    expect(s.start).toEqual({ flow_type: 'software_development' });
  });

  it('counts resources created before a failure only', () => {
    const s = replaySession(sorted(at('duo_flow_started', 0), at('duo_flow_resource_created', 2), at('duo_flow_failed', 3), at('duo_flow_resource_created', 4)));
    expect(s.status).toBe('failed');
    expect(s.resourcesCreatedBeforeFailure).toBe(1);
    expect(s.violations.map((v) => v.rule)).toEqual(['after_terminal']);
  });

  it('orders by occurred_at, not arrival: a completed event that arrived first still ends the session', () => {
    const completed = at('duo_flow_completed', 9);
    const started = at('duo_flow_started', 1);
    const s = replaySession(sorted(completed, started));
    expect(s.status).toBe('completed');
    expect(s.violations).toEqual([]);
  });

  it('flags resumed without pause, events before start, and a second start', () => {
    const s = replaySession(sorted(at('duo_flow_decision_logged', 0), at('duo_flow_started', 1), at('duo_flow_resumed', 2), at('duo_flow_started', 3)));
    expect(s.violations.map((v) => v.rule)).toEqual(['before_started', 'resumed_without_pause', 'started_twice']);
    expect(s.status).toBe('running');
  });

  it('pauses and resumes, and lets a queued session be stopped before it starts', () => {
    expect(replaySession(sorted(at('duo_flow_started', 0), at('duo_flow_paused', 1))).status).toBe('paused');
    expect(replaySession(sorted(at('duo_flow_started', 0), at('duo_flow_paused', 1), at('duo_flow_resumed', 2))).status).toBe('running');
    const stopped = replaySession(sorted(at('duo_flow_created', 0), at('duo_flow_stopped', 1)));
    expect(stopped.status).toBe('stopped');
    expect(stopped.violations).toEqual([]);
  });

  it('keeps the status of a deleted session and marks it deleted', () => {
    const s = replaySession(sorted(at('duo_flow_started', 0), at('duo_flow_completed', 1), at('duo_flow_deleted', 2)));
    expect(s).toMatchObject({ status: 'completed', deleted: true, violations: [] });
  });
});
