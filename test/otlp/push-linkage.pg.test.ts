import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { commit, FLOWTRAIL_BIN, gitEnv, makeRepos, run } from '../support/git.js';
import { listen } from '../support/listen.js';
import { agentRun, newTraceId, otlpJson } from '../support/otlp-json.js';

const PROJECT = 'acme-platform/payments-api';
const AGENT = 'Duo Developer <duo-developer@noreply.gitlab.test>';

describe('pre-receive hook and an OTLP session: real pushes into a bare repository', () => {
  const t = useTestApp();
  let service: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    service = await listen(t.app);
  });
  afterAll(async () => {
    await service.close();
  });

  it('lets an agent commit made inside an ended OTLP session land within the hour after its end, and refuses one made after it', async () => {
    const start = Date.now() - 10 * 60_000;
    const run_ = agentRun(start, undefined, 'conv-push-1');
    const ingest = await t.app.request('/v1/traces', {
      method: 'POST', headers: { Authorization: `Bearer ${await t.token('ingest')}`, 'Content-Type': 'application/json' },
      body: JSON.stringify(otlpJson(newTraceId(), { 'service.name': 'release-bot', 'enduser.id': 'dwhitfield', 'vcs.repository.url.full': `https://gitlab.example.com/${PROJECT}.git` }, [run_.chat, run_.tool, run_.root])),
    });
    expect(await ingest.json()).toEqual({});

    const repos = await makeRepos();
    const env = gitEnv(repos.home);
    const install = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', repos.bare, '--hook', 'pre-receive'], { env });
    expect(install.code, install.stderr).toBe(0);
    const token = await t.token('ingest');
    const push = () => run('git', ['push', 'origin', 'main'], {
      cwd: repos.clone,
      env: { ...env, GL_PROJECT_PATH: PROJECT, GL_PROTOCOL: 'ssh', GL_USERNAME: 'dwhitfield', GL_ID: 'user-1187', GL_REPOSITORY: 'project-4821', FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: token, FLOWTRAIL_HOOK_SPOOL_DIR: join(repos.root, 'spool') },
    });
    await commit(repos.clone, env, { message: 'Initial commit', date: new Date(start - 60_000).toISOString() });
    expect((await push()).code).toBe(0);

    await commit(repos.clone, env, { message: 'Run the tests in CI\n\nX-GitLab-Duo-Session: otlp:conv-push-1', author: AGENT, date: new Date(start + 2000).toISOString() });
    const inside = await push();
    expect(inside.code, inside.stderr).toBe(0);
    expect(inside.stderr).not.toMatch(/GL-HOOK-ERR/);

    await commit(repos.clone, env, { message: 'Another change\n\nX-GitLab-Duo-Session: otlp:conv-push-1', author: AGENT, date: new Date().toISOString() });
    const after = await push();
    expect(after.code).not.toBe(0);
    expect(after.stderr).toMatch(/GL-HOOK-ERR: .*session otlp:conv-push-1 ended at .*commit and push within a running session/);
  });
});
