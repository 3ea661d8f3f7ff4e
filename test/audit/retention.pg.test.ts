import { describe, expect, it } from 'vitest';
import { runRetention, verifyDatabase } from '../../src/audit/index.js';
import { cleanUpJobs, DONE_JOB_RETENTION_DAYS } from '../../src/jobs/index.js';
import { useTestApp } from '../support/app.js';
import { flowEvent, startedEvent } from '../support/flow-events.js';

const daysAgo = (d: number, minute = 0) => new Date(Date.now() - d * 86_400_000 + minute * 60_000).toISOString();

describe('retention', () => {
  const t = useTestApp();

  it('purges sessions past the retention period up to the latest checkpoint, and the log still verifies', async () => {
    // The log recorded the old session 400 days ago (its clock moved back), the new one now.
    t.setLogClock(new Date(daysAgo(400, 3)));
    await t.ingest([
      startedEvent('old', daysAgo(400)),
      flowEvent('duo_flow_decision_logged', 'old', daysAgo(400, 1), { step: 1, decision: 'an old decision about customer 4711' }),
      flowEvent('duo_flow_completed', 'old', daysAgo(400, 2)),
    ]);
    t.setLogClock(null);
    await t.ingest([startedEvent('new', daysAgo(3))]);
    await t.deps.integrator.checkpoint(true);
    const r = await runRetention(t.deps.sql, 365, 'test');
    expect(r).toMatchObject({ sessions: 1, events: 3, deferred: 0 });
    await t.deps.integrator.integrate();
    expect((await t.deps.sql`select session_id from sessions`).map((s) => s.sessionId)).toEqual(['new']);
    const texts = await t.deps.sql`select count(*)::int as n from audit_events where session_id = 'old' and (texts is not null or text_salt is not null)`;
    expect(texts[0]!.n).toBe(0);
    const leaves = await t.deps.sql`select count(*)::int as n from audit_events where session_id = 'old' and leaf is null and purged_at is not null`;
    expect(leaves[0]!.n).toBe(3);
    await t.deps.integrator.checkpoint(true);
    const v = await verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test', { deep: true });
    expect(v).toMatchObject({ ok: true, purged: 3 });
    expect(v.checkpoints.every((c) => c.status === 'valid')).toBe(true);
    const [purged] = await t.deps.sql`select leaf from audit_events where type = 'retention_purged'`;
    expect(JSON.parse(purged!.leaf as string).data).toMatchObject({ sessions: 1, events: 3, retention_days: 365 });
  });

  it('defers a session whose events are not yet under a checkpoint', async () => {
    t.setLogClock(new Date(daysAgo(500)));
    await t.ingest([startedEvent('old2', daysAgo(500))]);
    t.setLogClock(null);
    const r = await runRetention(t.deps.sql, 365, 'test');
    expect(r).toMatchObject({ sessions: 0, deferred: 1 });
    expect((await t.deps.sql`select count(*)::int as n from sessions`)[0]!.n).toBe(1);
  });

  it('deletes stored deliveries received before the cutoff, keeping one whose job has yet to run', async () => {
    const delivery = async (key: string, days: number) => {
      const [d] = await t.deps.sql`insert into deliveries (dedupe_key, event_name, received_at, headers, body)
        values (${key}, 'Push Hook', ${daysAgo(days)}, '{}', '{}') returning id`;
      return d!.id as number;
    };
    const processed = await delivery('old-processed', 400);
    const waiting = await delivery('old-waiting', 400);
    await delivery('recent', 3);
    await t.deps.sql`insert into jobs (name, payload, state, finished_at) values
      ('gitlab.delivery', ${t.deps.sql.json({ delivery_id: processed })}, 'done', now()),
      ('gitlab.delivery', ${t.deps.sql.json({ delivery_id: waiting })}, 'pending', null)`;
    const r = await runRetention(t.deps.sql, 365, 'test');
    expect(r).toMatchObject({ sessions: 0, deliveries: 1 });
    expect((await t.deps.sql`select dedupe_key from deliveries order by id`).map((d) => d.dedupeKey)).toEqual(['old-waiting', 'recent']);
    await t.deps.integrator.integrate();
    const [purged] = await t.deps.sql`select leaf from audit_events where type = 'retention_purged'`;
    expect(JSON.parse(purged!.leaf as string).data).toMatchObject({ deliveries: 1, retention_days: 365 });
  });

  it('deletes done jobs finished more than a week ago and keeps dead letters and pending jobs', async () => {
    expect(DONE_JOB_RETENTION_DAYS).toBe(7);
    await t.deps.sql`insert into jobs (name, payload, state, finished_at, created_at) values
      ('old done', '{}', 'done', ${daysAgo(8)}, ${daysAgo(9)}),
      ('recent done', '{}', 'done', ${daysAgo(6)}, ${daysAgo(9)}),
      ('old dead', '{}', 'dead', ${daysAgo(30)}, ${daysAgo(31)}),
      ('old pending', '{}', 'pending', null, ${daysAgo(30)})`;
    const r = await cleanUpJobs(t.deps.sql);
    expect(r.deleted).toBe(1);
    expect((await t.deps.sql`select name from jobs order by id`).map((j) => j.name)).toEqual(['recent done', 'old dead', 'old pending']);
    expect((await cleanUpJobs(t.deps.sql)).deleted).toBe(0);
  });
});
