import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGitlabClient } from '../../src/gitlab/index.js';
import { useTestApp } from '../support/app.js';
import { GITLAB } from '../support/gitlab.js';
import { server } from '../support/msw.js';
import { createFakeGitlab, type FakeGitlab } from './fake-gitlab.js';
import { deliver, drain, MR_DESCRIPTION, mrDelivery, seedSession, startReplica, WEBHOOK_SECRET, type Replica } from './replicas.js';

const marker = '<!-- flowtrail:session=9137 -->';
const person = { id: 1187, name: 'Dana Whitfield', username: 'dwhitfield' };

describe("footer restoration from flowtrail's own record", () => {
  const t = useTestApp({ FLOWTRAIL_WEBHOOK_SECRET: WEBHOOK_SECRET, FLOWTRAIL_PUBLIC_URL: 'https://flowtrail.example.test' });
  const gitlab = createGitlabClient({ url: GITLAB, token: 'glpat-bot' });
  let fake: FakeGitlab;
  let replicas: Replica[] = [];
  let n = 0;
  const mr = () => fake.mrs.get('57')!;
  /** A delivery as a person's action on the MR causes it: no `changes.description` unless asked. */
  const send = async (attributes: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => {
    await deliver(t, 'Merge Request Hook', mrDelivery(57, { action: 'update', description: mr().description, ...attributes }, { user: person, ...extra }), `mr-${++n}`);
    await drain(t, replicas);
  };
  const restoredEvents = async () => (await t.deps.sql<{ eventId: string; leaf: string }[]>`select event_id, leaf from audit_events where type = 'duo_flow_footer_restored' order by seq`)
    .map((r) => ({ id: r.eventId, ...(JSON.parse(r.leaf) as { data: { restored: boolean; reason?: string } }).data }));
  const removeFooter = () => {
    mr().description = MR_DESCRIPTION;
  };

  beforeEach(async () => {
    fake = createFakeGitlab({ '57': MR_DESCRIPTION });
    server.use(...fake.handlers());
    replicas = [startReplica(t, gitlab)];
    await seedSession(t, replicas);
    await send({ action: 'open' });
    expect(fake.writes).toEqual(['PUT !57', 'POST !57']);
  });
  afterEach(async () => {
    await Promise.all(replicas.map((r) => r.close()));
  });

  it('finds a removal from a delivery that does not carry the description (a label added)', async () => {
    removeFooter();
    await send({ labels: [{ title: 'needs-review' }] }, { changes: { labels: { previous: [], current: [{ title: 'needs-review' }] } } });
    expect(fake.writes).toEqual(['PUT !57', 'POST !57', 'PUT !57']);
    expect(mr().description.split(marker)).toHaveLength(2);
    expect(await restoredEvents()).toEqual([expect.objectContaining({ restored: true, merge_request_iid: '57', project_id: '4821' })]);
  });

  it('finds a removal whose own delivery was missed, at the next delivery of any kind', async () => {
    removeFooter();
    // GitLab's delivery of the edit never arrives; a later approval does.
    await send({ action: 'approved' });
    expect(fake.writes).toEqual(['PUT !57', 'POST !57', 'PUT !57']);
    expect(await restoredEvents()).toMatchObject([{ restored: true }]);
  });

  it('audits each removal once however often its deliveries repeat, and a rate-limited one stands', async () => {
    removeFooter();
    await send({}, { changes: { description: { previous: `x ${marker}`, current: MR_DESCRIPTION } } });
    await send({}, { changes: { description: { previous: `x ${marker}`, current: MR_DESCRIPTION } } });
    // Removed again at once: audited as rate-limited, not restored; every later delivery finds the same removal.
    removeFooter();
    for (let i = 0; i < 3; i++) await send();
    expect(fake.writes).toEqual(['PUT !57', 'POST !57', 'PUT !57']);
    expect(mr().description).not.toContain(marker);
    const events = await restoredEvents();
    expect(events).toMatchObject([{ restored: true }, { restored: false, reason: 'rate-limited' }]);
    expect(new Set(events.map((e) => e.id)).size).toBe(2);
    expect(await t.deps.sql`select state, generation from write_backs where kind = 'footer'`).toEqual([{ state: 'removed', generation: 2 }]);
  });

  it('takes a footer a person put back as its own again, and audits its next removal as a new one', async () => {
    removeFooter();
    await send();
    removeFooter();
    await send();
    // Restore rate-limited; the person then pastes the footer back, and removes it again an hour later.
    mr().description = `${MR_DESCRIPTION}\n\n${marker}`;
    await send();
    await t.deps.sql`update write_backs set written_at = now() - interval '1 hour' where kind = 'footer'`;
    removeFooter();
    await send();
    await send();
    expect(fake.writes).toEqual(['PUT !57', 'POST !57', 'PUT !57', 'PUT !57']);
    expect((await restoredEvents()).map((e) => e.restored)).toEqual([true, false, true]);
  });

  it('audits a restore once when the worker died between deciding it and recording the event', async () => {
    removeFooter();
    // The state a crash leaves: the removal recorded (the restore begun), no event yet, GitLab not written.
    await t.deps.sql`update write_backs set state = 'writing' where kind = 'footer'`;
    await send();
    await send();
    expect(fake.writes).toEqual(['PUT !57', 'POST !57', 'PUT !57']);
    expect(await restoredEvents()).toMatchObject([{ restored: true }]);
    expect(await t.deps.sql`select state, generation from write_backs where kind = 'footer'`).toEqual([{ state: 'written', generation: 2 }]);
  });

  it('does not restore or audit anything while the footer is in place, whatever the delivery says changed', async () => {
    await send({}, { changes: { description: { previous: `x ${marker}`, current: MR_DESCRIPTION } } });
    expect(fake.writes).toEqual(['PUT !57', 'POST !57']);
    expect(await restoredEvents()).toEqual([]);
  });
});
