import { describe, expect, it } from 'vitest';
import { readFileSync, symlinkSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { commit, FLOWTRAIL_BIN, gitEnv, makeRepos, mustRun, run, writeHook } from '../support/git.js';

/** Real commits in a clone whose commit-msg hook `flowtrail hooks install` put there. */
async function setup() {
  const r = await makeRepos();
  const env = gitEnv(r.home);
  const install = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', r.clone, '--hook', 'commit-msg'], { env });
  expect(install.code, install.stderr).toBe(0);
  // %B ends with the message's newline; git log adds one more.
  const message = async () => (await mustRun('git', ['log', '-1', '--format=%B'], { cwd: r.clone, env })).replace(/\n$/, '');
  const trailers = async () => mustRun('git', ['interpret-trailers', '--parse'], { cwd: r.clone, env, input: await message() });
  return { ...r, env, message, trailers, install };
}

describe('commit-msg hook: the session trailer, placed by git\'s rules', () => {
  it('adds X-GitLab-Duo-Session from FLOWTRAIL_SESSION_ID, else DUO_WORKFLOW_WORKFLOW_ID', async () => {
    const r = await setup();
    expect(r.install.stdout).toMatch(/commit-msg: installed/);
    await commit(r.clone, { ...r.env, FLOWTRAIL_SESSION_ID: 'sess-7' }, { message: 'Add rounding' });
    expect(await r.trailers()).toBe('X-GitLab-Duo-Session: sess-7\n');
    expect(await r.message()).toBe('Add rounding\n\nX-GitLab-Duo-Session: sess-7\n');
    await commit(r.clone, { ...r.env, DUO_WORKFLOW_WORKFLOW_ID: '4242' }, { message: 'Fix rounding' });
    expect(await r.trailers()).toBe('X-GitLab-Duo-Session: 4242\n');
    await commit(r.clone, { ...r.env, FLOWTRAIL_SESSION_ID: 'sess-8', DUO_WORKFLOW_WORKFLOW_ID: '4242' }, { message: 'Both set' });
    expect(await r.trailers()).toBe('X-GitLab-Duo-Session: sess-8\n');
  });

  it('joins the existing trailer block (Co-authored-by, Duo-Session, Signed-off-by) and stays idempotent', async () => {
    const r = await setup();
    const env = { ...r.env, FLOWTRAIL_SESSION_ID: 'sess-7' };
    const body = 'Add rounding\n\nLonger explanation.\n\nCo-authored-by: GitLab Duo <duo@gitlab.com>\nDuo-Session: https://gitlab.test/g/p/-/automate/agent-sessions/4242\nSigned-off-by: Dana Whitfield <dwhitfield@acme.test>';
    await commit(r.clone, env, { message: body });
    expect(await r.trailers()).toBe('Co-authored-by: GitLab Duo <duo@gitlab.com>\nDuo-Session: https://gitlab.test/g/p/-/automate/agent-sessions/4242\nSigned-off-by: Dana Whitfield <dwhitfield@acme.test>\nX-GitLab-Duo-Session: sess-7\n');
    expect(await r.message()).toMatch(/^Add rounding\n\nLonger explanation\.\n\nCo-authored-by/);
    // Amending in the same session adds nothing; the trailer is there once.
    await mustRun('git', ['commit', '-q', '--amend', '--no-edit'], { cwd: r.clone, env });
    await mustRun('git', ['commit', '-q', '--amend', '-m', await r.message()], { cwd: r.clone, env });
    expect((await r.trailers()).match(/X-GitLab-Duo-Session/g)).toHaveLength(1);
    // A body paragraph that is not a trailer block gets a new block after it.
    await commit(r.clone, env, { message: 'Subject\n\nSee: the notes below\nthis is prose' });
    expect(await r.message()).toBe('Subject\n\nSee: the notes below\nthis is prose\n\nX-GitLab-Duo-Session: sess-7\n');
  });

  it('leaves the message alone without a session, and does not rescue an empty message', async () => {
    const r = await setup();
    await commit(r.clone, r.env, { message: 'Human change\n\nSigned-off-by: Dana Whitfield <dwhitfield@acme.test>' });
    expect(await r.message()).toBe('Human change\n\nSigned-off-by: Dana Whitfield <dwhitfield@acme.test>\n');
    // An empty message still aborts the commit: the hook does not add a trailer that would let it through.
    const empty = await run('git', ['commit', '--allow-empty', '-q', '-m', ''], { cwd: r.clone, env: { ...r.env, FLOWTRAIL_SESSION_ID: 'sess-7' } });
    expect(empty.code).not.toBe(0);
    expect(empty.stderr).toMatch(/empty commit message/);
    // A session id that is not one stops the commit rather than make it untraced.
    const bad = await run('git', ['commit', '--allow-empty', '-q', '-m', 'x'], { cwd: r.clone, env: { ...r.env, FLOWTRAIL_SESSION_ID: 'not a session; rm -rf' } });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/is not a session id/);
  });

  it('chains to the commit-msg hook that was there before', async () => {
    const r = await makeRepos();
    const env = gitEnv(r.home);
    const hook = join(r.clone, '.git', 'hooks', 'commit-msg');
    writeHook(hook, '#!/bin/sh\nprintf "\\nTicket: ACME-1\\n" >> "$1"\ngrep -q "forbidden" "$1" && { echo "site hook: forbidden word" >&2; exit 1; }\nexit 0\n');
    const install = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', r.clone], { env });
    expect(install.code, install.stderr).toBe(0);
    expect(install.stdout).toMatch(/kept the existing commit-msg hook as .*commit-msg\.pre-flowtrail; it runs first/);
    expect(install.stdout).toMatch(/pre-receive: installed/);
    await commit(r.clone, { ...env, FLOWTRAIL_SESSION_ID: 'sess-7' }, { message: 'Chained' });
    const trailers = await mustRun('git', ['interpret-trailers', '--parse'], { cwd: r.clone, env, input: await mustRun('git', ['log', '-1', '--format=%B'], { cwd: r.clone, env }) });
    expect(trailers).toBe('Ticket: ACME-1\nX-GitLab-Duo-Session: sess-7\n');
    const refused = await run('git', ['commit', '--allow-empty', '-q', '-m', 'forbidden'], { cwd: r.clone, env: { ...env, FLOWTRAIL_SESSION_ID: 'sess-7' } });
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(/site hook: forbidden word/);
    // Reinstalling keeps the chain as it is.
    const again = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', r.clone], { env });
    expect(again.stdout.match(/already installed, unchanged/g)).toHaveLength(2);
    expect(readFileSync(hook, 'utf8')).toContain('commit-msg.pre-flowtrail');
  });
});

describe("the repository's hooks/commit-msg launcher", () => {
  it('works when symlinked into a clone', async () => {
    const r = await makeRepos();
    const env = gitEnv(r.home);
    symlinkSync(fileURLToPath(new URL('../../hooks/commit-msg', import.meta.url)), join(r.clone, '.git', 'hooks', 'commit-msg'));
    await commit(r.clone, { ...env, DUO_WORKFLOW_WORKFLOW_ID: '4242' }, { message: 'Via the launcher' });
    expect(await mustRun('git', ['log', '-1', '--format=%B'], { cwd: r.clone, env })).toBe('Via the launcher\n\nX-GitLab-Duo-Session: 4242\n\n');
  });
});

describe('hooks install: where the hooks go', () => {
  it('writes pre-receive.d/flowtrail-pre-receive into a custom hooks directory, and refuses what it cannot do', async () => {
    const r = await makeRepos();
    const env = gitEnv(r.home);
    const custom = join(r.bare, 'custom_hooks');
    const res = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', custom], { env });
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout).toMatch(/is a custom hooks directory/);
    expect(res.stdout).toContain(join(custom, 'pre-receive.d', 'flowtrail-pre-receive'));
    expect(readFileSync(join(custom, 'pre-receive.d', 'flowtrail-pre-receive'), 'utf8')).toMatch(new RegExp(`^#!${process.execPath}\n`));
    const commitMsg = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', custom, '--hook', 'commit-msg'], { env });
    expect(commitMsg.code).toBe(2);
    expect(commitMsg.stderr).toMatch(/a custom hooks directory takes only pre-receive/);
    const missing = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', join(r.root, 'no-such-repo')], { env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/does not exist \(pass --custom-hooks/);
    const unknown = await run(process.execPath, [FLOWTRAIL_BIN, 'hooks', 'install', r.bare, '--hook', 'post-receive'], { env });
    expect(unknown.code).toBe(2);
  }, 30_000); // four CLI processes and git: more than the unit default of 5 s on a loaded machine
});
