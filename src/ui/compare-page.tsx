import type { FC } from 'hono/jsx';
import type { ResourceView, sessionView } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import { alertText } from './alert-detail.js';
import { StatusBadge } from './components.js';
import { eventWords, humanize } from './event-words.js';
import { Layout } from './layout.js';
import { formatDuration } from './relative-time.js';
import { lineOf, type SessionStory } from './session-detail.js';
import type { IntegrityStatus } from './session-integrity.js';
import { resourceTypeWords } from './resource-name.js';
import { statusWords } from './status-words.js';

type SessionView = ReturnType<typeof sessionView>;
export interface Side {
  session: SessionView;
  story: SessionStory;
  resources: ResourceView[];
  integrity: IntegrityStatus;
}

const text = (v: unknown) => (v === undefined || v === null ? '' : typeof v === 'string' ? v : JSON.stringify(v));

/** A list beside the other side's: items the other side lacks are marked. */
const DiffList: FC<{ items: string[]; other: string[]; ordered?: boolean }> = ({ items, other, ordered }) => {
  if (items.length === 0) return <p class="diff-missing">none</p>;
  const set = new Set(other);
  const lis = items.map((i) => <li class={set.has(i) ? '' : 'diff-only'} title={set.has(i) ? undefined : 'only on this side'}>{i}</li>);
  return ordered === true ? <ol class="steps">{lis}</ol> : <ul>{lis}</ul>;
};

const Row: FC<{ label: string; a: string; b: string }> = ({ label, a, b }) => (
  <tr><th>{label}</th><td class={a === b ? '' : 'diff-only'}>{a || '–'}</td><td class={a === b ? '' : 'diff-only'}>{b || '–'}</td></tr>
);

const lists = (x: Side) => ({
  plan: (x.story.plan?.steps ?? []).map(lineOf),
  decisions: x.story.decisions.map((d) => lineOf(d.decision)),
  resources: x.resources.map((r) => `${resourceTypeWords(r.resource_type)} ${r.resource_type === 'MergeRequest' ? '!' : ''}${text(r.resource_id)}`),
  alerts: x.story.alerts.map((e) => `${eventWords(e.type)}: ${alertText(e)}`),
});

/** The integrity of a side's first page of events, in one sentence. */
function integrityLine(i: IntegrityStatus): string {
  if (i.mismatched.length > 0 || i.altered.length > 0) return `ALTERED: ${i.mismatched.length + i.altered.length} problem(s) in ${i.events} events; run flowtrail verify`;
  const cp = i.checkpoint;
  const signed = cp === null ? 'no signed checkpoint yet' : cp.signatureValid ? `signed checkpoint of ${cp.treeSize} events valid` : 'CHECKPOINT SIGNATURE DOES NOT VERIFY';
  return `All ${i.events} events match their leaf hashes; ${signed}${i.uncovered > 0 ? `; ${i.uncovered} await the next checkpoint` : ''}`;
}

export const ComparePage: FC<{ who: SignedIn; a: Side | null; b: Side | null; aId: string; bId: string; error: string | null }> = ({ who, a, b, aId, bId, error }) => (
  <Layout title="Compare sessions" who={who}>
    <p class="muted"><a href="/-/duo/sessions">Sessions</a> / compare</p>
    <h1>Compare two sessions</h1>
    <form class="filters" method="get" action="/-/duo/sessions/compare">
      <label>Session A<input name="a" value={aId} required /></label>
      <label>Session B<input name="b" value={bId} required /></label>
      <button type="submit" class="primary">Compare</button>
    </form>
    {error !== null ? <p class="error-box" role="alert">{error}</p> : null}
    {a !== null && b !== null ? (() => {
      const la = lists(a);
      const lb = lists(b);
      const outcome = (x: Side) => (x.story.outcome?.error ? `${text(x.story.outcome.error.code)}: ${text(x.story.outcome.error.message)}` : text(x.story.outcome?.summary));
      return (
        <>
          <p class="muted">Differences are highlighted; list items only one side has are marked.</p>
          <div class="table-box"><table class="compare">
            <thead><tr><th></th><th><a href={`/-/duo/sessions/${encodeURIComponent(a.session.session_id)}`}>{a.session.session_id}</a> <StatusBadge status={a.session.status} /></th><th><a href={`/-/duo/sessions/${encodeURIComponent(b.session.session_id)}`}>{b.session.session_id}</a> <StatusBadge status={b.session.status} /></th></tr></thead>
            <tbody>
              <Row label="Initiated by" a={text(a.session.user.username)} b={text(b.session.user.username)} />
              <Row label="Agent account" a={text(a.session.agent.username)} b={text(b.session.agent.username)} />
              <Row label="Project" a={text(a.session.project.path)} b={text(b.session.project.path)} />
              <Row label="Flow type" a={a.session.flow_type === null ? '' : humanize(a.session.flow_type)} b={b.session.flow_type === null ? '' : humanize(b.session.flow_type)} />
              <Row label="Status" a={statusWords(a.session.status)} b={statusWords(b.session.status)} />
              <Row label="Duration" a={formatDuration(a.session.duration_ms)} b={formatDuration(b.session.duration_ms)} />
              <Row label="Outcome" a={outcome(a)} b={outcome(b)} />
              <Row label="Input" a={text(a.story.input?.prompt)} b={text(b.story.input?.prompt)} />
              <tr><th>Plan steps</th><td><DiffList items={la.plan} other={lb.plan} ordered /></td><td><DiffList items={lb.plan} other={la.plan} ordered /></td></tr>
              <tr><th>Decisions</th><td><DiffList items={la.decisions} other={lb.decisions} /></td><td><DiffList items={lb.decisions} other={la.decisions} /></td></tr>
              <tr><th>Resources</th><td><DiffList items={la.resources} other={lb.resources} /></td><td><DiffList items={lb.resources} other={la.resources} /></td></tr>
              <tr><th>Alerts</th><td><DiffList items={la.alerts} other={lb.alerts} /></td><td><DiffList items={lb.alerts} other={la.alerts} /></td></tr>
              <Row label="Integrity" a={integrityLine(a.integrity)} b={integrityLine(b.integrity)} />
            </tbody>
          </table></div>
        </>
      );
    })() : null}
  </Layout>
);
