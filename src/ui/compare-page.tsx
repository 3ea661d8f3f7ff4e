import type { FC } from 'hono/jsx';
import type { ResourceView, sessionView } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import { StatusBadge } from './components.js';
import { Layout } from './layout.js';
import { formatDuration } from './relative-time.js';
import { lineOf, type SessionStory } from './session-detail.js';

type SessionView = ReturnType<typeof sessionView>;
export interface Side {
  session: SessionView;
  story: SessionStory;
  resources: ResourceView[];
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
  resources: x.resources.map((r) => `${text(r.resource_type)} ${text(r.resource_id)}`),
});

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
              <Row label="Flow type" a={text(a.session.flow_type)} b={text(b.session.flow_type)} />
              <Row label="Status" a={a.session.status} b={b.session.status} />
              <Row label="Duration" a={formatDuration(a.session.duration_ms)} b={formatDuration(b.session.duration_ms)} />
              <Row label="Outcome" a={outcome(a)} b={outcome(b)} />
              <Row label="Input" a={text(a.story.input?.prompt)} b={text(b.story.input?.prompt)} />
              <tr><th>Plan steps</th><td><DiffList items={la.plan} other={lb.plan} ordered /></td><td><DiffList items={lb.plan} other={la.plan} ordered /></td></tr>
              <tr><th>Decisions</th><td><DiffList items={la.decisions} other={lb.decisions} /></td><td><DiffList items={lb.decisions} other={la.decisions} /></td></tr>
              <tr><th>Resources</th><td><DiffList items={la.resources} other={lb.resources} /></td><td><DiffList items={lb.resources} other={la.resources} /></td></tr>
            </tbody>
          </table></div>
        </>
      );
    })() : null}
  </Layout>
);
