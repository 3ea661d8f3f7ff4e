import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { sessionView } from '../audit/index.js';
import { can } from '../auth/index.js';
import { decodeSessionCursor, encodeSessionCursor, findUnstorable, keysetPage } from '../http/index.js';
import { listSessions } from '../store/index.js';
import { cursorOf } from './cursor-of.js';
import { SEARCH_PATH, SearchPage } from './search-page.js';
import { parseSearchTerm } from './search-term.js';
import { signedIn } from './signed-in.js';

const PAGE = 20;

/** /-/duo/search?q=: the sessions that produced a commit or a merge request (the header's search box). */
export function createSearchRoutes(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(SEARCH_PATH, async (c) => {
    const who = await signedIn(deps, c);
    if (who instanceof Response) return who;
    const raw = (c.req.query('q') ?? '').slice(0, 2048);
    const everyone = can(who.principal.role, 'read_all');
    const render = (props: { term: ReturnType<typeof parseSearchTerm> | null; sessions?: ReturnType<typeof sessionView>[]; next?: string | null; cursor?: string }, status: 200 | 400 = 200) =>
      c.html(<SearchPage who={who} q={raw} term={props.term} sessions={props.sessions ?? []} next={props.next ?? null} cursor={props.cursor} everyone={everyone} />, status);
    if (raw.trim() === '') return render({ term: null });
    const term = findUnstorable(raw) === null ? parseSearchTerm(raw) : { kind: 'unknown' as const, message: 'The search holds a character no commit or merge request has.' };
    if (term.kind === 'unknown') return render({ term }, 400);
    const cursor = c.req.query('cursor');
    const rows = await listSessions(deps.sql, {
      username: everyone ? undefined : (who.principal.username ?? '\u0000'),
      commitSha: term.kind === 'commit' ? term.sha : undefined,
      mergeRequest: term.kind === 'merge_request' ? term.ref : undefined,
    }, PAGE + 1, cursorOf(cursor !== undefined && cursor.length <= 512 ? cursor : undefined, decodeSessionCursor));
    const { page, next } = keysetPage(rows, PAGE, encodeSessionCursor);
    return render({ term, sessions: page.map(sessionView), next, cursor });
  });
  return app;
}
