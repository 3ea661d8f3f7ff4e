import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { commit, FLOWTRAIL_BIN, gitEnv, makeRepos, mustRun, run } from '../support/git.js';
import { listen } from '../support/listen.js';
import { agentRun, newTraceId, otlpJson } from '../support/otlp-json.js';

const PROJECT = 'acme-platform/payments-api';
const RESOURCE = { 'service.name': 'release-bot', 'enduser.id': 'dwhitfield', 'vcs.repository.url.full': `https://gitlab.example.com/${PROJECT}.git` };
const RELEASE_BOT = 'release-bot <release-bot@noreply.gitlab.test>';
const CLAIMS_BOT = 'claims-bot <claims-bot@noreply.gitlab.test>';
const DUO = 'Duo Developer <duo-developer@noreply.gitlab.test>';

describe('pre-receive and FLOWTRAIL_OTLP_AGENT_IDENTITIES: real pushes into a bare repository', () => {
  // Neither bot matches FLOWTRAIL_AGENT_USERNAMES (duo-developer*, ai-*): only the OTLP agent identities make them agents.
  const t = useTestApp({ FLOWTRAIL_OTLP_AGENT_IDENTITIES: 'Release helper=release-bot*; Claims helper=claims-bot' });
  let service: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    service = await listen(t.app);
  });
  afterAll(async () => {
    await service.close();
  });

  it("accepts an OTLP session's trailer from that agent's identities, and refuses another agent's commits naming it and the agent's untraced ones", async () => {
    const start = Date.now() - 10 * 60_000;
    const token = await t.token('ingest');
    const ingest = async (conversation: string, agent: string) => {
      const r = agentRun(start, undefined, conversation);
      r.root.attributes['gen_ai.agent.name'] = agent;
      const res = await t.app.request('/v1/traces', {
        method: 'POST', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(otlpJson(newTraceId(), RESOURCE, [r.chat, r.tool, r.root])),
      });
      expect(await res.json()).toEqual({});
    };
    await ingest('conv-release', 'Release helper');
    await ingest('conv-claims', 'Claims helper');

    const repos = await makeRepos();
    const env = gitEnv(repos.home);
    const install = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', repos.bare, '--hook', 'pre-receive'], { env });
    expect(install.code, install.stderr).toBe(0);
    const push = () => run('git', ['push', 'origin', 'main'], {
      cwd: repos.clone,
      env: { ...env, GL_PROJECT_PATH: PROJECT, GL_PROTOCOL: 'ssh', GL_USERNAME: 'dwhitfield', GL_ID: 'user-1187', GL_REPOSITORY: 'project-4821', FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: token, FLOWTRAIL_HOOK_SPOOL_DIR: join(repos.root, 'spool') },
    });
    const inside = new Date(start + 2000).toISOString();
    /** Commits, pushes, and takes a refused commit back so the next case starts from the pushed branch. */
    const attempt = async (author: string, message: string) => {
      await commit(repos.clone, env, { message, author, date: inside });
      const r = await push();
      if (r.code !== 0) await mustRun('git', ['reset', '-q', '--hard', 'origin/main'], { cwd: repos.clone, env });
      return r;
    };
    await commit(repos.clone, env, { message: 'Initial commit', date: new Date(start - 60_000).toISOString() });
    expect((await push()).code).toBe(0);

    const own = await attempt(RELEASE_BOT, 'Bump the ledger version\n\nX-GitLab-Duo-Session: otlp:conv-release');
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).not.toMatch(/GL-HOOK-ERR/);

    const untraced = await attempt(RELEASE_BOT, 'A change without a trailer');
    expect(untraced.code).not.toBe(0);
    expect(untraced.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: commit by agent account "release-bot" has no session trailer/);

    const borrowed = await attempt(CLAIMS_BOT, 'Claims bot borrows the release session\n\nX-GitLab-Duo-Session: otlp:conv-release');
    expect(borrowed.code).not.toBe(0);
    expect(borrowed.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: session otlp:conv-release was run by the agent "Release helper", and neither the author "claims-bot" nor the committer nor the pusher is an identity configured for it/);

    // An agent account of FLOWTRAIL_AGENT_USERNAMES is not one of the Release helper's identities either.
    const duo = await attempt(DUO, 'Duo names the release session\n\nX-GitLab-Duo-Session: otlp:conv-release');
    expect(duo.code).not.toBe(0);
    expect(duo.stderr).toMatch(/session otlp:conv-release was run by the agent "Release helper"/);

    const claims = await attempt(CLAIMS_BOT, 'Claims bot names its own session\n\nX-GitLab-Duo-Session: otlp:conv-claims');
    expect(claims.code, claims.stderr).toBe(0);

    // Every decision is recorded with its findings.
    await t.deps.integrator.integrate();
    const decisions = await t.deps.sql<{ type: string; codes: string[] }[]>`
      select type, coalesce((select array_agg(f->>'code') from jsonb_array_elements((leaf::jsonb)->'data'->'findings') f), '{}') as codes
      from audit_events where type in ('duo_flow_push_checked', 'duo_flow_push_rejected') order by seq`;
    expect(decisions.map((d) => `${d.type} ${d.codes.join(',')}`)).toEqual([
      'duo_flow_push_checked ', 'duo_flow_push_checked ', 'duo_flow_push_rejected untraced', 'duo_flow_push_rejected other_agent', 'duo_flow_push_rejected other_agent', 'duo_flow_push_checked ',
    ]);
  });
});
