import type { FC } from 'hono/jsx';
import type { sessionView } from '../audit/index.js';
import type { SignedIn } from '../auth/index.js';
import { Empty } from './components.js';
import { Layout } from './layout.js';
import { withQuery } from './page-filters.js';
import { ShortSha } from './resource-name.js';
import type { SearchTerm } from './search-term.js';
import { SessionTable } from './sessions-page.js';

type SessionView = ReturnType<typeof sessionView>;

export const SEARCH_PATH = '/-/duo/search';

/** What was looked for, in words. */
const Sought: FC<{ term: SearchTerm }> = ({ term }) =>
  term.kind === 'commit'
    ? <>commit {term.sha.length >= 40 ? <ShortSha sha={term.sha} /> : <span class="mono">{term.sha}</span>}</>
    : term.kind === 'merge_request' ? <>merge request <span class="mono">{term.ref.projectPath}!{term.ref.iid}</span></> : null;

export const SearchPage: FC<{ who: SignedIn; q: string; term: SearchTerm | null; sessions: SessionView[]; next: string | null; cursor: string | undefined; everyone: boolean }> = ({ who, q, term, sessions, next, cursor, everyone }) => (
  <Layout title="Which session made it?" who={who}>
    <h1>Which session made it?</h1>
    <form class="filters" method="get" action={SEARCH_PATH} role="search">
      <label class="wide">Commit SHA, merge request reference or URL
        <input name="q" type="search" value={q} placeholder="9f2c41e, acme-platform/payments-api!57 or https://gitlab…/-/merge_requests/57" />
      </label>
      <button type="submit" class="primary">Find sessions</button>
    </form>
    <p class="muted">Finds the sessions whose commits carry the session trailer, and the merge and squash commits linked when their merge request was merged.{everyone ? '' : ' You see only the sessions you started.'}</p>
    {term === null ? null : term.kind === 'unknown' ? <p class="error-box" role="alert">{term.message}</p> : (
      <>
        <h2>Sessions linked to <Sought term={term} /></h2>
        {sessions.length === 0
          ? <Empty title="No session found"><p>No session {everyone ? '' : 'of yours '}is linked to <Sought term={term} />. A commit is linked once its push reaches flowtrail with a session trailer; a merge request once it is opened from such a branch or names the session in its footer.</p></Empty>
          : <SessionTable sessions={sessions} showUser={everyone} />}
        <div class="pager">
          {cursor !== undefined ? <a class="button" href={withQuery(SEARCH_PATH, { q })}>First page</a> : null}
          {next !== null ? <a class="button" href={withQuery(SEARCH_PATH, { q }, { cursor: next })} rel="next">Next page</a> : null}
        </div>
      </>
    )}
  </Layout>
);
