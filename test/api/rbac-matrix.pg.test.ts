import { describe, expect, it } from 'vitest';
import type { Role } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';
import { csrfOf, WebClient } from '../support/web.js';

type Who = 'anonymous' | Role;
const WHO: Who[] = ['anonymous', 'ingest', 'user', 'auditor', 'admin'];

const gql = (query: string) => ({ method: 'POST', path: '/api/graphql', body: JSON.stringify({ query }) });
const sessionsQuery = gql('{ duoFlowSessions(first: 10) { nodes { sessionId user { username } } } }');
const usageQuery = gql('{ duoFlowUsage(groupBy: user) { totals { sessions } rows { nodes { key sessions } } } }');
const otherSession = gql('{ duoFlowSession(sessionId: "s-mchen") { sessionId } }');

/**
 * Every read endpoint against every role, REST, GraphQL and pages: the status
 * each gets, and that a user's answers never carry another user's session.
 */
const MATRIX: { name: string; method?: string; path: string; body?: string; status: Record<Who, number> }[] = [
  { name: 'REST session list', path: '/api/v1/sessions', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'REST own session', path: '/api/v1/sessions/s-dana', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: "REST another user's session", path: '/api/v1/sessions/s-mchen', status: { anonymous: 401, ingest: 403, user: 404, auditor: 200, admin: 200 } },
  { name: 'REST audit events', path: '/api/v1/audit-events?limit=100', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: "REST audit events of another user's session", path: '/api/v1/audit-events?session_id=s-mchen', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'REST export', path: '/api/v1/export?format=ndjson', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'REST integrity', path: '/api/v1/integrity', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'REST checkpoints', path: '/api/v1/integrity/checkpoints', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'REST usage by user', path: '/api/v1/usage?group_by=user', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'REST usage as CSV', path: '/api/v1/usage?group_by=user&format=csv', status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'REST tokens', path: '/api/v1/tokens', status: { anonymous: 401, ingest: 403, user: 403, auditor: 403, admin: 200 } },
  { name: 'REST evidence pack', path: '/api/v1/reports?framework=soc2&from=2026-03-01&to=2026-04-01&format=html', status: { anonymous: 401, ingest: 403, user: 403, auditor: 200, admin: 200 } },
  { name: 'REST alerts', path: '/api/v1/alerts?state=all', status: { anonymous: 401, ingest: 403, user: 403, auditor: 200, admin: 200 } },
  { name: 'REST jobs', path: '/api/v1/jobs', status: { anonymous: 401, ingest: 403, user: 403, auditor: 403, admin: 200 } },
  { name: 'REST streaming destinations', path: '/api/v1/streaming-destinations', status: { anonymous: 401, ingest: 403, user: 403, auditor: 403, admin: 200 } },
  { name: 'REST streaming destination', path: '/api/v1/streaming-destinations/sd_none', status: { anonymous: 401, ingest: 403, user: 403, auditor: 403, admin: 404 } },
  { name: 'GraphQL duoFlowSessions', ...sessionsQuery, status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: 'GraphQL duoFlowUsage by user', ...usageQuery, status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
  { name: "GraphQL another user's duoFlowSession", ...otherSession, status: { anonymous: 401, ingest: 403, user: 200, auditor: 200, admin: 200 } },
];

const PAGES: { name: string; path: string; post?: Record<string, string>; status: Record<Exclude<Who, 'ingest'>, number> }[] = [
  { name: 'page: sessions', path: '/-/duo/sessions', status: { anonymous: 302, user: 200, auditor: 200, admin: 200 } },
  { name: 'page: own session', path: '/-/duo/sessions/s-dana', status: { anonymous: 302, user: 200, auditor: 200, admin: 200 } },
  { name: "page: another user's session", path: '/-/duo/sessions/s-mchen', status: { anonymous: 302, user: 404, auditor: 200, admin: 200 } },
  { name: "page: comparison with another user's session", path: '/-/duo/sessions/compare?a=s-dana&b=s-mchen', status: { anonymous: 302, user: 404, auditor: 200, admin: 200 } },
  { name: 'page: usage by person', path: '/-/duo/usage?group_by=user', status: { anonymous: 302, user: 200, auditor: 200, admin: 200 } },
  { name: 'page: usage as CSV', path: '/-/duo/usage?group_by=user&format=csv', status: { anonymous: 302, user: 200, auditor: 200, admin: 200 } },
  { name: 'page: evidence packs', path: '/admin/duo_agent_platform/reports', status: { anonymous: 302, user: 403, auditor: 200, admin: 200 } },
  { name: 'page: evidence pack download', path: '/admin/duo_agent_platform/reports/download', post: { framework: 'soc2', from: '2026-03-01', to: '2026-04-01', format: 'html' }, status: { anonymous: 401, user: 403, auditor: 200, admin: 200 } },
  { name: 'page: alerts', path: '/admin/duo_agent_platform/alerts?state=all', status: { anonymous: 302, user: 403, auditor: 200, admin: 200 } },
  { name: 'page: audit dashboard', path: '/admin/duo_agent_platform/audit', status: { anonymous: 302, user: 403, auditor: 200, admin: 200 } },
  { name: 'page: streaming destinations', path: '/admin/duo_agent_platform/streaming', status: { anonymous: 302, user: 403, auditor: 403, admin: 200 } },
  // A form POST with the page's CSRF token; the API itself no longer takes the cookie (test/security/cross-site-reads.pg.test.ts).
  { name: 'page: dashboard export', path: '/admin/duo_agent_platform/audit/export', post: { format: 'ndjson' }, status: { anonymous: 401, user: 403, auditor: 200, admin: 200 } },
];

describe('RBAC matrix: every role against every read endpoint', () => {
  const t = useTestApp();

  it.each(WHO)('as %s', async (who) => {
    expect((await t.ingest([startedEvent('s-dana', at(0)), startedEvent('s-mchen', at(1), { user: { id: 2201, username: 'mchen' }, input_prompt: 'MCHEN-SECRET-PROMPT' })])).status).toBe(202);
    const token = who === 'anonymous' ? null : await t.token(who, who === 'user' ? 'dwhitfield' : undefined);
    const got: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const row of MATRIX) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) };
      const res = await t.app.request(row.path, { method: row.method ?? 'GET', headers, body: row.body });
      got[row.name] = res.status;
      want[row.name] = row.status[who];
      const text = await res.text();
      if (who === 'user') expect(text, row.name).not.toMatch(/"session_?[iI]d":"s-mchen"|MCHEN-SECRET-PROMPT/);
      // Usage by person names only the token's own person to a user token.
      if (who === 'user' && (row.path.includes('usage') || row.body?.includes('Usage') === true)) expect(text, row.name).not.toContain('mchen');
    }
    if (who !== 'ingest') {
      const web = new WebClient(t.app);
      if (token !== null) expect((await web.signIn(token)).status).toBe(303);
      const csrf = csrfOf(await (await web.get('/-/duo/sessions')).text());
      for (const row of PAGES) {
        const res = row.post === undefined ? await web.get(row.path) : await web.post(row.path, { ...row.post, _csrf: csrf });
        got[row.name] = res.status;
        want[row.name] = row.status[who];
        const body = await res.text();
        if (who === 'user') expect(body, row.name).not.toContain('MCHEN-SECRET-PROMPT');
        if (who === 'user' && row.path.includes('usage')) expect(body, row.name).not.toContain('mchen');
      }
    }
    expect(got).toEqual(want);
  });
});
