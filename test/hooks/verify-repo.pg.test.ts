import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { commit, FLOWTRAIL_BIN, gitEnv, makeRepos, mustRun, run } from '../support/git.js';
import { listen } from '../support/listen.js';

const AGENT = 'Duo Developer <duo-developer@noreply.gitlab.test>';

describe('flowtrail verify-repo: history read with isomorphic-git, sessions asked of the service', () => {
  const t = useTestApp();
  let service: { url: string; close: () => Promise<void> };
  beforeAll(async () => {
    service = await listen(t.app);
  });
  afterAll(async () => {
    await service.close();
  });

  it('reports untraced agent commits, unknown and foreign sessions, and commits per session; exit 1 on findings', async () => {
    expect((await t.ingest([
      startedEvent('sess-a', at(0)),
      startedEvent('sess-b', at(0)),
      startedEvent('4242', at(0)),
      startedEvent('sess-ledger', at(0), { project: { id: 99, path: 'acme-platform/ledger' } }),
      flowEvent('duo_flow_completed', 'sess-b', at(50)),
    ])).status).toBe(202);
    const r = await makeRepos();
    const env = gitEnv(r.home);
    // The project comes from the origin URL when not given.
    await mustRun('git', ['remote', 'set-url', 'origin', 'git@gitlab.test:acme-platform/payments-api.git'], { cwd: r.clone, env });
    const base = await commit(r.clone, env, { message: 'Initial commit', date: at(1) });
    await commit(r.clone, env, { message: 'A1\n\nX-GitLab-Duo-Session: sess-a', author: AGENT, date: '2026-03-10T15:05:00+01:00' });
    await commit(r.clone, env, { message: 'A2\n\nX-GitLab-Duo-Session: sess-a', author: AGENT, date: at(6) });
    await commit(r.clone, env, { message: 'B1\n\nDuo-Session: https://gitlab.test/acme-platform/payments-api/-/automate/agent-sessions/4242', author: AGENT, date: at(7) });
    // 14:45Z written in +01:00: before sess-b ended at 14:50Z (read with the wrong offset sign it would be after).
    await commit(r.clone, env, { message: 'B2\n\nX-GitLab-Duo-Session: sess-b', author: AGENT, date: '2026-03-10T15:45:00+01:00' });
    const untraced = await commit(r.clone, env, { message: 'Untraced', author: AGENT, date: at(9) });
    const forged = await commit(r.clone, env, { message: 'Human, forged\n\nX-GitLab-Duo-Session: sess-nowhere', date: at(10) });
    const foreign = await commit(r.clone, env, { message: 'Foreign\n\nX-GitLab-Duo-Session: sess-ledger', author: AGENT, date: at(11) });
    const late = await commit(r.clone, env, { message: 'Late\n\nX-GitLab-Duo-Session: sess-b', author: AGENT, date: at(55) });
    const cliEnv = { ...env, FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: await t.token('ingest') };

    const text = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone], { env: cliEnv });
    expect(text.code, text.stderr).toBe(1);
    expect(text.stdout).toMatch(/\(acme-platform\/payments-api\): 9 commits, 7 by agent accounts, 4 finding\(s\)/);
    expect(text.stdout).toMatch(/commits per session:\n {2}sess-a {2}2\n/);
    expect(text.stdout).toMatch(/\n {2}sess-b {2}1\n/);
    expect(text.stdout).toMatch(/\n {2}4242 {2}1\n/);
    expect(text.stdout).toContain(`${untraced.slice(0, 8)}  untraced`);
    expect(text.stdout).toContain(`${forged.slice(0, 8)}  unknown_session`);
    expect(text.stdout).toContain(`${foreign.slice(0, 8)}  foreign_session`);
    expect(text.stdout).toContain(`${late.slice(0, 8)}  session_ended`);

    const json = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--json', '--project', 'acme-platform/ledger'], { env: cliEnv });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as { project: string; findings: { code: string }[]; sessions: Record<string, number> };
    expect(report.project).toBe('acme-platform/ledger');
    expect(report.sessions).toEqual({ 'sess-ledger': 1 });

    // --since: only what came after; a clean range exits 0.
    const clean = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--since', base, '--json'], { env: cliEnv });
    expect(JSON.parse(clean.stdout).commits).toBe(8);
    const head = await mustRun('git', ['rev-parse', 'HEAD'], { cwd: r.clone, env });
    const none = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--since', head.trim()], { env: cliEnv });
    expect(none.code, none.stdout + none.stderr).toBe(0);
    expect(none.stdout).toMatch(/0 commits, 0 by agent accounts, 0 finding/);

    // --all walks every branch and tag; a tag of a tree has no history and is passed over.
    await mustRun('git', ['checkout', '-q', '-b', 'side', base], { cwd: r.clone, env });
    await commit(r.clone, env, { message: 'Side, untraced', author: AGENT, date: at(12) });
    await mustRun('git', ['tag', 'tree-tag', 'HEAD^{tree}'], { cwd: r.clone, env });
    const all = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--all', '--json'], { env: cliEnv });
    expect(all.code, all.stderr).toBe(1);
    expect(JSON.parse(all.stdout)).toMatchObject({ commits: 10, agent_commits: 8 });

    // A dry run records no decision.
    await t.deps.integrator.integrate();
    const events = (await (await t.get('/api/v1/audit-events?type=duo_flow_push_rejected', await t.token('auditor'))).json()) as { events: unknown[] };
    expect(events.events).toHaveLength(0);
  });

  it('on a Gitaly node reads the project from gitlab.fullpath; --project overrides it', async () => {
    expect((await t.ingest([
      startedEvent('sess-web', at(0), { project: { id: 7, path: 'acme/web' } }),
      startedEvent('sess-api', at(0), { project: { id: 8, path: 'acme/api' } }),
    ])).status).toBe(202);
    const r = await makeRepos();
    const env = gitEnv(r.home);
    await commit(r.clone, env, { message: 'Web change\n\nX-GitLab-Duo-Session: sess-web', author: AGENT, date: at(1) });
    await mustRun('git', ['push', '-q', 'origin', 'main'], { cwd: r.clone, env });
    // As GitLab writes it into each bare repository's config; the bare repository has no origin.
    await mustRun('git', ['config', 'gitlab.fullpath', 'acme/web'], { cwd: r.bare, env });
    const cliEnv = { ...env, FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: await t.token('ingest'), GL_PROJECT_PATH: 'acme/other' };
    const fromConfig = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.bare, '--json'], { env: cliEnv });
    expect(fromConfig.code, fromConfig.stderr).toBe(0);
    expect(JSON.parse(fromConfig.stdout)).toMatchObject({ project: 'acme/web', commits: 1, findings: [], sessions: { 'sess-web': 1 } });
    const overridden = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.bare, '--json', '--project', 'acme/api'], { env: cliEnv });
    expect(overridden.code).toBe(1);
    const report = JSON.parse(overridden.stdout) as { project: string; findings: { code: string }[] };
    expect(report.project).toBe('acme/api');
    expect(report.findings.map((f) => f.code)).toEqual(['foreign_session']);
  });

  it('says a refused token in the settings\' names, exit 2', async () => {
    const r = await makeRepos();
    const env = gitEnv(r.home);
    await commit(r.clone, env, { message: 'x', date: at(1) });
    const refused = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--project', 'a/b'], { env: { ...env, FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: 'ftk_' + 'y'.repeat(40) } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('FLOWTRAIL_TOKEN was not accepted by FLOWTRAIL_URL (401)');
    expect(refused.stderr).not.toContain('y'.repeat(40));
    // A token of a role that may not ask (auditor: read only) is refused with 403.
    const forbidden = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--project', 'a/b'], { env: { ...env, FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: await t.token('auditor') } });
    expect(forbidden.code).toBe(2);
    expect(forbidden.stderr).toContain('FLOWTRAIL_TOKEN was not accepted by FLOWTRAIL_URL (403)');
  });

  it('exits 2 with a reason for a path that is no repository, an unknown revision or no service settings', async () => {
    const r = await makeRepos();
    const env = { ...gitEnv(r.home), FLOWTRAIL_URL: service.url, FLOWTRAIL_TOKEN: await t.token('ingest') };
    const notRepo = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.home, '--project', 'a/b'], { env });
    expect(notRepo.code).toBe(2);
    expect(notRepo.stderr).toMatch(/is not a git repository/);
    await commit(r.clone, env, { message: 'x', date: at(1) });
    const badRev = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone, '--since', 'no-such-rev', '--project', 'a/b'], { env });
    expect(badRev.code).toBe(2);
    expect(badRev.stderr).toMatch(/unknown revision "no-such-rev"/);
    const sha256 = await makeRepos('sha256');
    await commit(sha256.clone, env, { message: 'x', date: at(1) });
    const unreadable = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', sha256.clone, '--project', 'a/b'], { env });
    expect(unreadable.code).toBe(2);
    expect(unreadable.stderr).toMatch(/uses sha256 object ids, which isomorphic-git cannot read/);
    const noService = await run(process.execPath, [FLOWTRAIL_BIN, 'verify-repo', r.clone], { env: gitEnv(r.home) });
    expect(noService.code).toBe(2);
    expect(noService.stderr).toMatch(/set FLOWTRAIL_URL and FLOWTRAIL_TOKEN/);
  });
});
