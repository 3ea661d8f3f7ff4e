import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chownSync, mkdirSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { rememberAgentAccount } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { commit, FLOWTRAIL_BIN, gitEnv, makeRepos, mustRun, run } from '../support/git.js';
import { listen } from '../support/listen.js';

// Item 9 of "Trust at the edges": the pre-receive hook must judge a push by
// what Gitaly says about it (GL_USERNAME, GL_ID) and by the service's clock,
// never by what the pusher wrote into the commits, and its spool directory
// must not be one another local user can plant. Each test performs the attack
// with real git pushes and fails if the attack works.

const PROJECT = 'acme-platform/payments-api';
const AGENT = 'Duo Developer <duo-developer@noreply.gitlab.test>';
const ALICE = 'Alice Moreau <amoreau@acme.test>';
const NOBODY = 65534;

describe('push identity: the pre-receive hook judges the pusher from Gitaly and the time from its own clock', () => {
  const t = useTestApp();
  let service: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    service = await listen(t.app);
  });
  afterAll(async () => {
    await service.close();
  });

  async function setup() {
    const token = await t.token('ingest');
    const now = Date.now();
    expect((await t.ingest([
      startedEvent('sess-running', at(0)),
      startedEvent('sess-ended', at(0)),
      flowEvent('duo_flow_completed', 'sess-ended', new Date(now - 60 * 60_000).toISOString()),
    ])).status).toBe(202);
    const repos = await makeRepos();
    const env = gitEnv(repos.home);
    const install = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', repos.bare, '--hook', 'pre-receive'], { env });
    expect(install.code, install.stderr).toBe(0);
    const spool = join(repos.root, 'state', 'spool');
    const gitaly = { GL_PROJECT_PATH: PROJECT, GL_PROTOCOL: 'ssh', GL_USERNAME: 'amoreau', GL_ID: 'user-1201', GL_REPOSITORY: 'project-4821' };
    const hookEnv = (extra: Record<string, string | undefined>) => {
      const merged: Record<string, string | undefined> = { ...env, ...gitaly, FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: token, FLOWTRAIL_HOOK_SPOOL_DIR: spool, ...extra };
      return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
    };
    const push = (extra: Record<string, string | undefined> = {}) => run('git', ['push', 'origin', 'main'], { cwd: repos.clone, env: hookEnv(extra) });
    const remoteMain = async () => (await run('git', ['rev-parse', '--verify', '-q', 'refs/heads/main'], { cwd: repos.bare, env })).stdout.trim();
    const base = await commit(repos.clone, env, { message: 'Initial commit', date: at(1) });
    const first = await push();
    expect(first.code, first.stderr).toBe(0);
    return { ...repos, env, spool, push, remoteMain, base };
  }

  async function pushEvents(type?: string) {
    await t.deps.integrator.integrate();
    const res = await t.get('/api/v1/audit-events?limit=100', await t.token('auditor'));
    const { events } = (await res.json()) as { events: { type: string; data: Record<string, unknown> }[] };
    return events.filter((e) => (type === undefined ? e.type.startsWith('duo_flow_push') : e.type === type)).reverse();
  }

  it('refuses untraced commits authored as a person when an agent account pushes them (GL_USERNAME)', async () => {
    const r = await setup();
    await commit(r.clone, r.env, { message: 'Looks human', author: ALICE, date: at(20) });
    const res = await r.push({ GL_USERNAME: 'duo-developer', GL_ID: 'user-77001' });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/GL-HOOK-ERR: [0-9a-f]+: commit pushed by agent account "duo-developer" has no session trailer/);
    expect(await r.remoteMain()).toBe(r.base);
    const [rejected] = await pushEvents('duo_flow_push_rejected');
    expect(rejected!.data).toMatchObject({ agent_commits: 1, pusher: { username: 'duo-developer', gl_id: 'user-77001' } });
  });

  it('refuses them when only GL_ID names a known agent account, whatever GL_USERNAME says', async () => {
    const r = await setup();
    await rememberAgentAccount(t.deps.sql, { userId: '77215', username: 'svc-release', name: 'Release Bot' });
    await commit(r.clone, r.env, { message: 'Looks human', author: ALICE, date: at(20) });
    const res = await r.push({ GL_USERNAME: 'svc-renamed', GL_ID: 'user-77215' });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/commit pushed by agent account "svc-renamed" has no session trailer/);
    expect(await r.remoteMain()).toBe(r.base);
  });

  it('refuses an untraced commit an agent account committed, even when a person pushes it', async () => {
    const r = await setup();
    await mustRun('git', ['commit', '-q', '--allow-empty', '-m', 'Rebased by the agent', '--author', ALICE], {
      cwd: r.clone, env: { ...r.env, GIT_COMMITTER_NAME: 'Duo Developer', GIT_COMMITTER_EMAIL: 'duo-developer@noreply.gitlab.test', GIT_COMMITTER_DATE: at(20) },
    });
    const res = await r.push();
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/commit committed by agent account "Duo Developer" has no session trailer/);
    expect(await r.remoteMain()).toBe(r.base);
  });

  it('still lets a person push her own commits', async () => {
    const r = await setup();
    const mine = await commit(r.clone, r.env, { message: 'Human change', author: ALICE, date: at(20) });
    const res = await r.push();
    expect(res.code, res.stderr).toBe(0);
    expect(await r.remoteMain()).toBe(mine);
  });

  it('refuses a commit naming a session that ended before the push arrived, whatever committer date it carries', async () => {
    const r = await setup();
    // Back-dated to the session's first minutes, pushed an hour after it ended.
    await commit(r.clone, r.env, { message: 'Backdated\n\nX-GitLab-Duo-Session: sess-ended', author: AGENT, date: at(5) });
    const res = await r.push({ GL_USERNAME: 'duo-developer', GL_ID: 'user-77001' });
    expect(res.code).not.toBe(0);
    expect(res.stderr).toMatch(/session sess-ended ended at [0-9T:.-]+Z, before this push arrived/);
    expect(await r.remoteMain()).toBe(r.base);
    // The same commit naming the session that still runs lands.
    await mustRun('git', ['commit', '-q', '--amend', '-m', 'Backdated\n\nX-GitLab-Duo-Session: sess-running'], { cwd: r.clone, env: { ...r.env, GIT_COMMITTER_DATE: at(5) } });
    const ok = await r.push({ GL_USERNAME: 'duo-developer', GL_ID: 'user-77001' });
    expect(ok.code, ok.stderr).toBe(0);
  });

  it('refuses a push without GL_USERNAME and GL_ID by default, says why and records it; FLOWTRAIL_HOOK_UNKNOWN_PUSHER=authors judges by authors', async () => {
    const r = await setup();
    await commit(r.clone, r.env, { message: 'Looks human', author: ALICE, date: at(20) });
    const anonymous = await r.push({ GL_USERNAME: undefined, GL_ID: undefined });
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr).toMatch(/GL-HOOK-ERR: flowtrail cannot tell who pushes: GL_USERNAME and GL_ID are not set .*FLOWTRAIL_HOOK_UNKNOWN_PUSHER=reject refuses the push/);
    expect(await r.remoteMain()).toBe(r.base);
    const [recorded] = await pushEvents('duo_flow_push_rejected');
    expect(recorded!.data).toMatchObject({ unchecked: true, accepted: false, pusher: { username: null, gl_id: null } });
    expect(String(recorded!.data.reason)).toMatch(/GL_USERNAME and GL_ID are not set/);
    // The documented opt-in for a plain git server: authors and committers are judged.
    const byAuthors = await r.push({ GL_USERNAME: undefined, GL_ID: undefined, FLOWTRAIL_HOOK_UNKNOWN_PUSHER: 'authors' });
    expect(byAuthors.code, byAuthors.stderr).toBe(0);
    expect(byAuthors.stderr).toMatch(/the pusher is unknown; FLOWTRAIL_HOOK_UNKNOWN_PUSHER=authors/);
    await commit(r.clone, r.env, { message: 'Untraced', author: AGENT, date: at(21) });
    expect((await r.push({ GL_USERNAME: undefined, GL_ID: undefined, FLOWTRAIL_HOOK_UNKNOWN_PUSHER: 'authors' })).code).not.toBe(0);
  });

  describe('the spool directory', () => {
    /** A report as the hook spools it, forged by whoever planted the directory. */
    const forged = (dir: string) => writeFileSync(join(dir, '2026-03-10T14-00-00-000Z-6f1c2a9e-3b7d-4c1e-9a2f-0d4b5c6e7f80.json'), JSON.stringify({
      project_path: PROJECT, protocol: 'ssh', username: 'amoreau', gl_id: 'user-1201', gl_repository: 'project-4821', mode: 'enforce', refs: [], commits: [],
      unchecked: { report_id: '6f1c2a9e-3b7d-4c1e-9a2f-0d4b5c6e7f80', reason: 'forged', decided_at: '2026-03-10T14:00:00Z', accepted: true },
    }));

    async function expectRefused(r: Awaited<ReturnType<typeof setup>>, extra: Record<string, string>, why: RegExp) {
      const before = await r.remoteMain();
      const mine = await commit(r.clone, r.env, { message: 'Human change', author: ALICE, date: at(20) });
      const res = await r.push(extra);
      expect(res.code).not.toBe(0);
      expect(res.stderr).toMatch(/GL-HOOK-ERR: flowtrail could not check this push \(the spool directory .* is refused: /);
      expect(res.stderr).toMatch(why);
      expect(await r.remoteMain()).toBe(before);
      // The forged report planted there is never sent; the refusal itself is recorded.
      const events = await pushEvents();
      expect(events.some((e) => e.data.reason === 'forged')).toBe(false);
      expect(events.at(-1)!.data).toMatchObject({ unchecked: true, accepted: false });
      // With FLOWTRAIL_HOOK_ON_ERROR=allow the push passes, and the directory is still not used.
      const allowed = await r.push({ ...extra, FLOWTRAIL_HOOK_ON_ERROR: 'allow' });
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(await r.remoteMain()).toBe(mine);
    }

    // Planting as another user needs root to chown; CI and this machine run the suite as root.
    it.skipIf(process.getuid?.() !== 0)('refuses a directory planted in a shared place by another user', async () => {
      const r = await setup();
      const planted = join(r.root, 'shared', 'flowtrail-hook-spool');
      mkdirSync(planted, { recursive: true, mode: 0o700 });
      forged(planted);
      chownSync(planted, NOBODY, NOBODY);
      await expectRefused(r, { FLOWTRAIL_HOOK_SPOOL_DIR: planted }, /owned by uid 65534, not by this hook's user/);
      expect(readdirSync(planted)).toHaveLength(1);
    });

    it('refuses a directory that group or others may enter', async () => {
      const r = await setup();
      const open = join(r.root, 'open-spool');
      mkdirSync(open, { mode: 0o777 });
      forged(open);
      await mustRun('chmod', ['0777', open], { env: r.env });
      await expectRefused(r, { FLOWTRAIL_HOOK_SPOOL_DIR: open }, /has mode 0777/);
    });

    it('refuses a directory that is a symbolic link, and one whose parent others may write', async () => {
      const r = await setup();
      const elsewhere = join(r.root, 'attacker');
      mkdirSync(elsewhere, { mode: 0o700 });
      forged(elsewhere);
      const link = join(r.root, 'linked-spool');
      symlinkSync(elsewhere, link);
      await expectRefused(r, { FLOWTRAIL_HOOK_SPOOL_DIR: link }, /is a symbolic link/);
      const shared = join(r.root, 'world-writable');
      mkdirSync(shared);
      await mustRun('chmod', ['0777', shared], { env: r.env });
      const inside = join(shared, 'spool');
      mkdirSync(inside, { mode: 0o700 });
      forged(inside);
      await expectRefused(r, { FLOWTRAIL_HOOK_SPOOL_DIR: inside }, /writable by others without the sticky bit/);
    });

    it('never follows a symbolic link planted among the spool files', async () => {
      const r = await setup();
      const elsewhere = join(r.root, 'attacker-files');
      mkdirSync(elsewhere, { mode: 0o700 });
      forged(elsewhere);
      mkdirSync(r.spool, { recursive: true, mode: 0o700 });
      symlinkSync(join(elsewhere, readdirSync(elsewhere)[0]!), join(r.spool, '2026-03-10T14-00-00-000Z-planted.json'));
      await commit(r.clone, r.env, { message: 'Human change', author: ALICE, date: at(20) });
      const res = await r.push();
      expect(res.code, res.stderr).toBe(0);
      expect((await pushEvents()).some((e) => e.data.reason === 'forged')).toBe(false);
    });

    it("is created 0700 under the hook user's state directory by default, not in the temp dir", async () => {
      const r = await setup();
      await commit(r.clone, r.env, { message: 'Human change', author: ALICE, date: at(20) });
      const res = await r.push({ FLOWTRAIL_HOOK_SPOOL_DIR: undefined, FLOWTRAIL_URL: 'http://127.0.0.1:9', FLOWTRAIL_HOOK_TIMEOUT_SECONDS: '2', FLOWTRAIL_HOOK_ON_ERROR: 'allow' });
      expect(res.code, res.stderr).toBe(0);
      const dir = join(r.home, '.local', 'state', 'flowtrail', 'hook-spool');
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(readdirSync(dir)).toHaveLength(1);
      expect(statSync(join(dir, readdirSync(dir)[0]!)).mode & 0o777).toBe(0o600);
    });
  });
});

describe('dry runs: every question asked of the push-check service leaves a record', () => {
  const t = useTestApp();
  let service: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    service = await listen(t.app);
  });
  afterAll(async () => {
    await service.close();
  });

  it('records a verify-repo dry run as duo_flow_push_dry_run: who asked, the project and what was found', async () => {
    const r = await makeRepos();
    const env = gitEnv(r.home);
    await commit(r.clone, env, { message: 'Untraced', author: AGENT, date: at(9) });
    const out = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--project', PROJECT, '--json'], { env: { ...env, FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: await t.token('ingest') } });
    expect(out.code, out.stderr).toBe(1);
    await t.deps.integrator.integrate();
    const res = await t.get('/api/v1/audit-events?type=duo_flow_push_dry_run', await t.token('auditor'));
    const { events } = (await res.json()) as { events: { source: string; project_path: string | null; data: Record<string, unknown> }[] };
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ dry_run: true, commits: 1, agent_commits: 1, findings: [{ code: 'untraced' }], asked_by: { role: 'ingest' } });
    // A dry run is a question, not a refused push: it raises no push alert.
    const rejected = await t.get('/api/v1/audit-events?type=duo_flow_push_rejected', await t.token('auditor'));
    expect(((await rejected.json()) as { events: unknown[] }).events).toHaveLength(0);
  });
});
