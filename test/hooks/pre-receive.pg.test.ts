import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { commit, FLOWTRAIL_BIN, gitEnv, makeRepos, mustRun, run, writeHook } from '../support/git.js';
import { listen } from '../support/listen.js';

const PROJECT = 'acme-platform/payments-api';
const AGENT = 'Duo Developer <duo-developer@noreply.gitlab.test>';
const AGENT_SESSION = 'sess-running';

describe('pre-receive hook: real pushes into a bare repository with the hooks installed', () => {
  const t = useTestApp();
  let service: { url: string; close: () => Promise<void> };
  let token: string;

  beforeAll(async () => {
    service = await listen(t.app);
  });
  afterAll(async () => {
    await service.close();
  });

  /** Fresh sessions for each test (the database is emptied before each). */
  async function seedSessions() {
    token = await t.token('ingest');
    const res = await t.ingest([
      startedEvent(AGENT_SESSION, at(0)),
      startedEvent('4242', at(0)),
      startedEvent('sess-other-project', at(0), { project: { id: 99, path: 'acme-platform/ledger' } }),
      startedEvent('sess-ended', at(0)),
      flowEvent('duo_flow_completed', 'sess-ended', at(10)),
    ]);
    expect(res.status).toBe(202);
  }

  async function setup(options: { objectFormat?: 'sha1' | 'sha256' } = {}) {
    await seedSessions();
    const repos = await makeRepos(options.objectFormat);
    const env = gitEnv(repos.home);
    const install = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', repos.bare, '--hook', 'pre-receive'], { env });
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/pre-receive: installed/);
    const hookEnv = (extra: Record<string, string> = {}) => ({
      ...env,
      GL_PROJECT_PATH: PROJECT, GL_PROTOCOL: 'ssh', GL_USERNAME: 'dwhitfield', GL_ID: 'user-1187', GL_REPOSITORY: 'project-4821',
      FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: token, FLOWTRAIL_HOOK_SPOOL_DIR: join(repos.root, 'spool'),
      ...extra,
    });
    const push = (args: string[], extra: Record<string, string> = {}) => run('git', ['push', ...args], { cwd: repos.clone, env: hookEnv(extra) });
    const remoteRef = async (ref: string) => (await run('git', ['rev-parse', '--verify', '-q', ref], { cwd: repos.bare, env })).stdout.trim();
    // A first human commit so that later pushes have a base.
    const base = await commit(repos.clone, env, { message: 'Initial commit', date: at(1) });
    const first = await push(['-q', 'origin', 'main']);
    expect(first.code, first.stderr).toBe(0);
    return { ...repos, env, push, remoteRef, base, hookEnv };
  }

  /** The push decisions, oldest first, as an auditor reads them from the API. */
  async function decisions() {
    await t.deps.integrator.integrate();
    const res = await t.get('/api/v1/audit-events?limit=100', await t.token('auditor'));
    const { events } = (await res.json()) as { events: { type: string; source: string; session_id: string | null; data: Record<string, unknown> }[] };
    return events.filter((e) => e.type === 'duo_flow_push_checked' || e.type === 'duo_flow_push_rejected').reverse();
  }

  it('refuses an agent commit without a trailer: the pusher reads a GL-HOOK-ERR line, nothing lands, the refusal is audited', async () => {
    const r = await setup();
    const sha = await commit(r.clone, r.env, { message: 'Add rounding', author: AGENT, date: at(20) });
    const short = (await mustRun('git', ['rev-parse', '--short', sha], { cwd: r.clone, env: r.env })).trim();
    const res = await r.push(['origin', 'main']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(new RegExp(`remote: GL-HOOK-ERR: ${short}: commit by agent account "Duo Developer" has no session trailer; add "X-GitLab-Duo-Session: <session id>"`));
    expect(res.stderr).toMatch(/pre-receive hook declined/);
    expect(await r.remoteRef('refs/heads/main')).toBe(r.base);
    const d = await decisions();
    const rejected = d.filter((e) => e.type === 'duo_flow_push_rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.source).toBe('git_hook');
    expect(rejected[0]!.data).toMatchObject({ mode: 'enforce', accepted: false, commits: 1, agent_commits: 1, findings: [{ sha, code: 'untraced' }], refs: [{ ref: 'refs/heads/main', old: r.base, new: sha }] });
  });

  it('lets an agent commit with a valid trailer land, in either form, and records the sessions', async () => {
    const r = await setup();
    await commit(r.clone, r.env, { message: `Add rounding\n\nX-GitLab-Duo-Session: ${AGENT_SESSION}`, author: AGENT, date: at(20) });
    const second = await commit(r.clone, r.env, {
      message: 'Fix rounding\n\nCo-authored-by: GitLab Duo <duo@gitlab.com>\nDuo-Session: https://gitlab.test/acme-platform/payments-api/-/automate/agent-sessions/4242',
      author: AGENT, date: at(21),
    });
    const res = await r.push(['origin', 'main']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stderr).not.toMatch(/GL-HOOK-ERR/);
    expect(await r.remoteRef('refs/heads/main')).toBe(second);
    const d = await decisions();
    expect(d.map((e) => e.type)).toEqual(['duo_flow_push_checked', 'duo_flow_push_checked']);
    expect(d[1]!.data).toMatchObject({ accepted: true, commits: 2, agent_commits: 2, sessions: { [AGENT_SESSION]: 1, '4242': 1 }, findings: [] });
  });

  it('refuses forged, foreign and already-ended sessions, each with its reason', async () => {
    const r = await setup();
    await commit(r.clone, r.env, { message: 'One\n\nX-GitLab-Duo-Session: sess-forged', author: AGENT, date: at(20) });
    await commit(r.clone, r.env, { message: 'Two\n\nX-GitLab-Duo-Session: sess-other-project', author: AGENT, date: at(21) });
    await commit(r.clone, r.env, { message: 'Three\n\nX-GitLab-Duo-Session: sess-ended', author: AGENT, date: at(22) });
    const res = await r.push(['origin', 'main']);
    expect(res.code).not.toBe(0);
    const lines = res.stderr.split('\n').filter((l) => l.includes('GL-HOOK-ERR'));
    expect(lines).toHaveLength(3);
    expect(res.stderr).toMatch(/session sess-forged \(X-GitLab-Duo-Session trailer\) is not known to flowtrail/);
    expect(res.stderr).toMatch(/session sess-other-project belongs to another project, not acme-platform\/payments-api/);
    expect(res.stderr).toMatch(/session sess-ended ended at 2026-03-10T14:10:00.000Z, before this push arrived/);
    expect(await r.remoteRef('refs/heads/main')).toBe(r.base);
    const [rejected] = (await decisions()).filter((e) => e.type === 'duo_flow_push_rejected');
    expect((rejected!.data.findings as { code: string }[]).map((f) => f.code).sort()).toEqual(['foreign_session', 'session_ended', 'unknown_session']);
  });

  // Until issue 9 a commit dated before its session's end landed whenever it was pushed: the committer
  // date is the pusher's to write. Now the push's arrival is the measure (test/security/push-identity).
  it("judges a session's end by when the push arrives, not by the committer date", async () => {
    const r = await setup();
    await commit(r.clone, r.env, { message: 'Early\n\nX-GitLab-Duo-Session: sess-ended', author: AGENT, date: at(9) });
    const res = await r.push(['origin', 'main']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: session sess-ended ended at 2026-03-10T14:10:00.000Z, before this push arrived \(20/);
    await mustRun('git', ['commit', '-q', '--amend', '-m', `Late\n\nX-GitLab-Duo-Session: ${AGENT_SESSION}`], { cwd: r.clone, env: { ...r.env, GIT_COMMITTER_DATE: at(500) } });
    const running = await r.push(['origin', 'main']);
    expect(running.code, running.stderr).toBe(0);
  });

  it('lets human commits land, and a web merge by a person of an agent-authored squash', async () => {
    const r = await setup();
    const human = await commit(r.clone, r.env, { message: 'Human change', date: at(20) });
    expect((await r.push(['origin', 'main'])).code).toBe(0);
    expect(await r.remoteRef('refs/heads/main')).toBe(human);
    // GitLab runs the hook for its own operations with GL_PROTOCOL=web; a squash keeps the MR author (the agent).
    const squash = await commit(r.clone, r.env, { message: 'Squashed: add rounding', author: AGENT, date: at(25) });
    const web = await r.push(['origin', 'main'], { GL_PROTOCOL: 'web', GL_USERNAME: 'dwhitfield' });
    expect(web.code, web.stderr).toBe(0);
    expect(await r.remoteRef('refs/heads/main')).toBe(squash);
    // The same operation by the agent account itself is checked.
    await commit(r.clone, r.env, { message: 'Agent via API', author: AGENT, date: at(26) });
    const byAgent = await r.push(['origin', 'main'], { GL_PROTOCOL: 'web', GL_USERNAME: 'duo-developer' });
    expect(byAgent.code).not.toBe(0);
    expect(byAgent.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: commit by agent account/);
  });

  it('handles a new branch, a deletion, a force push and tags', async () => {
    const r = await setup();
    // New branch with a traced agent commit: only its new commit is examined.
    await mustRun('git', ['checkout', '-q', '-b', 'feature'], { cwd: r.clone, env: r.env });
    const traced = await commit(r.clone, r.env, { message: `Feature\n\nX-GitLab-Duo-Session: ${AGENT_SESSION}`, author: AGENT, date: at(20) });
    const created = await r.push(['origin', 'feature']);
    expect(created.code, created.stderr).toBe(0);
    expect(await r.remoteRef('refs/heads/feature')).toBe(traced);
    // A new branch at a known commit brings no commit.
    expect((await r.push(['origin', 'main:refs/heads/copy'])).code).toBe(0);
    // Force push that rewrites the agent commit without its trailer: refused.
    await mustRun('git', ['commit', '-q', '--amend', '-m', 'Feature, rewritten'], { cwd: r.clone, env: { ...r.env, GIT_COMMITTER_DATE: at(22) } });
    const forced = await r.push(['--force', 'origin', 'feature']);
    expect(forced.code).not.toBe(0);
    expect(forced.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: commit by agent account/);
    expect(await r.remoteRef('refs/heads/feature')).toBe(traced);
    // Force push with the trailer back: lands.
    await mustRun('git', ['commit', '-q', '--amend', '-m', `Feature, rewritten\n\nX-GitLab-Duo-Session: ${AGENT_SESSION}`], { cwd: r.clone, env: { ...r.env, GIT_COMMITTER_DATE: at(23) } });
    expect((await r.push(['--force', 'origin', 'feature'])).code).toBe(0);
    // Deletion.
    const deleted = await r.push(['origin', '--delete', 'copy']);
    expect(deleted.code, deleted.stderr).toBe(0);
    expect(await r.remoteRef('refs/heads/copy')).toBe('');
    // An annotated tag of a known commit passes; a tag of a new untraced agent commit is refused.
    await mustRun('git', ['tag', '-a', '-m', 'v1', 'v1'], { cwd: r.clone, env: r.env });
    expect((await r.push(['origin', 'v1'])).code).toBe(0);
    await mustRun('git', ['checkout', '-q', '--detach'], { cwd: r.clone, env: r.env });
    await commit(r.clone, r.env, { message: 'Release notes', author: AGENT, date: at(24) });
    await mustRun('git', ['tag', 'v2'], { cwd: r.clone, env: r.env });
    const tag = await r.push(['origin', 'v2']);
    expect(tag.code).not.toBe(0);
    expect(await r.remoteRef('refs/tags/v2')).toBe('');
    // A lightweight tag of a tree has no history to examine.
    const tree = (await mustRun('git', ['rev-parse', 'HEAD^{tree}'], { cwd: r.clone, env: r.env })).trim();
    await mustRun('git', ['tag', 'tree-tag', tree], { cwd: r.clone, env: r.env });
    expect((await r.push(['origin', 'tree-tag'])).code).toBe(0);
  });

  it('refuses a push of many refs as a whole when one of them carries an untraced agent commit', async () => {
    const r = await setup();
    const branches = ['a', 'b', 'c', 'd', 'e'];
    for (const b of branches) {
      await mustRun('git', ['checkout', '-q', '-b', b, 'main'], { cwd: r.clone, env: r.env });
      await commit(r.clone, r.env, b === 'd'
        ? { message: 'Untraced', author: AGENT, date: at(20) }
        : { message: `Traced ${b}\n\nX-GitLab-Duo-Session: ${AGENT_SESSION}`, author: AGENT, date: at(20) });
    }
    const res = await r.push(['origin', ...branches]);
    expect(res.code).not.toBe(0);
    expect(res.stderr.split('\n').filter((l) => l.includes('GL-HOOK-ERR'))).toHaveLength(1);
    for (const b of branches) expect(await r.remoteRef(`refs/heads/${b}`)).toBe('');
    const [rejected] = (await decisions()).filter((e) => e.type === 'duo_flow_push_rejected');
    expect(rejected!.data).toMatchObject({ commits: 5, agent_commits: 5 });
    expect(rejected!.data.refs).toHaveLength(5);
  });

  it('checks SHA-256 repositories (64-digit ids, 64-zero creations)', async () => {
    const r = await setup({ objectFormat: 'sha256' });
    await commit(r.clone, r.env, { message: 'Untraced', author: AGENT, date: at(20) });
    expect((await r.push(['origin', 'main'])).code).not.toBe(0);
    await mustRun('git', ['commit', '-q', '--amend', '-m', `Traced\n\nX-GitLab-Duo-Session: ${AGENT_SESSION}`], { cwd: r.clone, env: r.env });
    await mustRun('git', ['checkout', '-q', '-b', 'topic'], { cwd: r.clone, env: r.env });
    const res = await r.push(['origin', 'main', 'topic']);
    expect(res.code, res.stderr).toBe(0);
    const d = await decisions();
    expect((d.at(-1)!.data.refs as { old: string }[]).find((x) => /^0{64}$/.test(x.old))).toBeDefined();
  });

  it('warn mode prints the findings and accepts; off mode accepts silently and asks nothing', async () => {
    const r = await setup();
    const sha = await commit(r.clone, r.env, { message: 'Untraced', author: AGENT, date: at(20) });
    const warned = await r.push(['origin', 'main'], { FLOWTRAIL_HOOK_MODE: 'warn' });
    expect(warned.code, warned.stderr).toBe(0);
    expect(warned.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: commit by agent account/);
    expect(warned.stderr).toMatch(/FLOWTRAIL_HOOK_MODE=warn: the push is accepted/);
    expect(await r.remoteRef('refs/heads/main')).toBe(sha);
    const [warnedEvent] = (await decisions()).filter((e) => e.type === 'duo_flow_push_rejected');
    expect(warnedEvent!.data).toMatchObject({ mode: 'warn', accepted: true });
    const before = (await decisions()).length;
    const next = await commit(r.clone, r.env, { message: 'Untraced again', author: AGENT, date: at(21) });
    const off = await r.push(['origin', 'main'], { FLOWTRAIL_HOOK_MODE: 'off', FLOWTRAIL_URL: 'http://127.0.0.1:9' });
    expect(off.code, off.stderr).toBe(0);
    expect(off.stderr).not.toMatch(/remote:/);
    expect(await r.remoteRef('refs/heads/main')).toBe(next);
    expect(await decisions()).toHaveLength(before);
  });

  it('follows FLOWTRAIL_HOOK_ON_ERROR when the service is down or refuses the token, and reports those pushes once it answers', async () => {
    const r = await setup();
    const spool = join(r.root, 'spool'); // as setup() sets it for every push
    const human = await commit(r.clone, r.env, { message: 'Human change', date: at(20) });
    const down = { FLOWTRAIL_URL: 'http://127.0.0.1:9', FLOWTRAIL_HOOK_TIMEOUT_SECONDS: '2' };
    const rejected = await r.push(['origin', 'main'], down);
    expect(rejected.code).not.toBe(0);
    expect(rejected.stderr).toMatch(/GL-HOOK-ERR: flowtrail could not check this push \(http:\/\/127.0.0.1:9 unreachable: connect ECONNREFUSED[^)]*\); FLOWTRAIL_HOOK_ON_ERROR=reject refuses it/);
    expect(await r.remoteRef('refs/heads/main')).toBe(r.base);
    const badToken = await r.push(['origin', 'main'], { FLOWTRAIL_TOKEN: 'ftk_' + 'x'.repeat(40) });
    expect(badToken.code).not.toBe(0);
    expect(badToken.stderr).toContain('FLOWTRAIL_TOKEN was not accepted by FLOWTRAIL_URL (401)');
    expect(badToken.stderr).not.toContain('x'.repeat(40));
    const allowed = await r.push(['origin', 'main'], { ...down, FLOWTRAIL_HOOK_ON_ERROR: 'allow' });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(allowed.stderr).toMatch(/flowtrail: could not check this push .*FLOWTRAIL_HOOK_ON_ERROR=allow lets it pass unchecked/);
    expect(await r.remoteRef('refs/heads/main')).toBe(human);
    // The three decisions made without the service wait in the spool (0600), and nothing was recorded yet.
    const files = readdirSync(spool);
    expect(files).toHaveLength(3);
    expect(statSync(join(spool, files[0]!)).mode & 0o777).toBe(0o600);
    expect((await decisions()).filter((e) => e.data.unchecked === true)).toHaveLength(0);
    // The next push that reaches the service reports them, as they happened.
    await commit(r.clone, r.env, { message: 'Another human change', date: at(21) });
    expect((await r.push(['origin', 'main'])).code).toBe(0);
    expect(readdirSync(spool)).toEqual([]);
    const unchecked = (await decisions()).filter((e) => e.data.unchecked === true);
    expect(unchecked.map((e) => [e.type, e.data.accepted])).toEqual([['duo_flow_push_rejected', false], ['duo_flow_push_rejected', false], ['duo_flow_push_checked', true]]);
    expect(unchecked[0]!.data.reason).toMatch(/ECONNREFUSED/);
    expect(unchecked[1]!.data.reason).toContain('FLOWTRAIL_TOKEN was not accepted by FLOWTRAIL_URL (401)');
    expect(unchecked[2]!.data).toMatchObject({ refs: [{ ref: 'refs/heads/main', old: r.base, new: human }], commits: 1, agent_commits: null });
  });

  it('installs idempotently and chains a pre-receive hook that was there before', async () => {
    const r = await setup();
    const again = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', r.bare, '--hook', 'pre-receive'], { env: r.env });
    expect(again.stdout).toMatch(/already installed, unchanged/);
    // Replace flowtrail's with a site hook, then install: the site hook is kept and runs first.
    const hook = join(r.bare, 'hooks', 'pre-receive');
    writeHook(hook, '#!/bin/sh\necho "site policy saw: $(cat)"\n[ -z "$REFUSE" ] || { echo "GL-HOOK-ERR: site policy refuses"; exit 1; }\n');
    const chained = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', r.bare, '--hook', 'pre-receive'], { env: r.env });
    expect(chained.code, chained.stderr).toBe(0);
    expect(chained.stdout).toMatch(/kept the existing pre-receive hook as .*pre-receive\.pre-flowtrail; it runs first/);
    expect(readFileSync(hook, 'utf8')).toMatch(/installed by `flowtrail hooks install`/);
    await commit(r.clone, r.env, { message: 'Untraced', author: AGENT, date: at(20) });
    const res = await r.push(['origin', 'main']);
    expect(res.stderr).toMatch(/site policy saw: [0-9a-f]{40} [0-9a-f]{40} refs\/heads\/main/);
    expect(res.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: commit by agent account/);
    const refused = await r.push(['origin', 'main'], { REFUSE: '1' });
    expect(refused.stderr).toMatch(/site policy refuses/);
    expect(refused.stderr).not.toMatch(/commit by agent account/);
  });

  it("runs from the repository's hooks/pre-receive launcher, symlinked as Gitaly's pre-receive.d takes it", async () => {
    const r = await setup();
    const dir = join(r.bare, 'hooks');
    rmSync(join(dir, 'pre-receive'));
    symlinkSync(fileURLToPath(new URL('../../hooks/pre-receive', import.meta.url)), join(dir, 'pre-receive'));
    await commit(r.clone, r.env, { message: 'Untraced', author: AGENT, date: at(20) });
    const res = await r.push(['origin', 'main']);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: commit by agent account/);
  });

  it('refuses input that is not git\'s, as a check it could not make', async () => {
    const r = await setup();
    const res = await run(join(r.bare, 'hooks', 'pre-receive'), [], { cwd: r.bare, env: r.hookEnv(), input: 'not a ref update\n' });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^GL-HOOK-ERR: flowtrail could not check this push \(unexpected input line "not a ref update"/);
  });
});
