// The pre-receive hook against a real `flowtrail serve` on PostgreSQL, each
// figure beside its baseline from the same run:
// - a one-commit push with the hook installed vs the same push into a bare
//   repository without it; the added latency vs the start-up of `node -e 0`;
// - a push of 10,000 new commits (half by an agent, traced) with and without
//   the hook; the added time vs `git log` over the same commits.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchEnv, freshDatabaseUrl, median } from './bench-env.js';
import type { BenchReport } from './report.js';

const bin = fileURLToPath(new URL('../src/cli/bin.js', import.meta.url));
const PORT = 18744;
const ADMIN = `ftk_${'b'.repeat(40)}`;
const PROJECT = 'acme-platform/payments-api';
const SESSION = 'bench-session';
const ROUNDS = 15;

const sh = (cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): string => {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, input: opts.input, maxBuffer: 1 << 30, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const timed = (f: () => void): number => {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
};

export async function run(): Promise<BenchReport[]> {
  const url = await freshDatabaseUrl('postgres', 'flowtrail_bench_hooks');
  const env = { ...benchEnv(url), FLOWTRAIL_PORT: String(PORT), FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN: ADMIN, FLOWTRAIL_LOG_LEVEL: 'warn' };
  const service = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const base = `http://127.0.0.1:${PORT}`;
  try {
    for (let i = 0; i < 600; i++) {
      if ((await fetch(`${base}/-/readiness`).catch(() => null))?.ok === true) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const post = async (path: string, body: unknown) => {
      const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return res.json() as Promise<Record<string, unknown>>;
    };
    const { token } = await post('/api/v1/tokens', { role: 'ingest', name: 'bench hooks' });
    await post('/api/v1/flow-events', {
      event_id: crypto.randomUUID(), type: 'duo_flow_started', session_id: SESSION, occurred_at: new Date(Date.now() - 3600_000).toISOString(),
      user: { id: 1, username: 'dwhitfield' }, agent: { id: 2, username: 'duo-developer' }, project: { id: 3, path: PROJECT },
      flow_type: 'software_development', input_prompt: 'bench', authorization: { verified_at: new Date().toISOString(), method: 'composite_identity', scopes: [] },
    });

    const root = mkdtempSync(join(tmpdir(), 'flowtrail-bench-hooks-'));
    const gitEnv: NodeJS.ProcessEnv = {
      PATH: process.env.PATH, HOME: root, GIT_CONFIG_NOSYSTEM: '1',
      GIT_AUTHOR_NAME: 'Duo Developer', GIT_AUTHOR_EMAIL: 'duo-developer@noreply.gitlab.test',
      GIT_COMMITTER_NAME: 'Dana Whitfield', GIT_COMMITTER_EMAIL: 'dwhitfield@acme.test',
      GL_PROJECT_PATH: PROJECT, GL_PROTOCOL: 'ssh', GL_USERNAME: 'dwhitfield', GL_ID: 'user-1', GL_REPOSITORY: 'project-3',
      FLOWTRAIL_URL: base, FLOWTRAIL_TOKEN: String(token),
    };
    const bare = (name: string, hooked: boolean) => {
      const dir = join(root, `${name}.git`);
      sh('git', ['init', '-q', '--bare', '-b', 'main', dir], { env: gitEnv });
      if (hooked) sh(process.execPath, [bin, 'hooks', 'install', dir, '--hook', 'pre-receive'], { env: gitEnv });
      return dir;
    };

    // One-commit pushes, alternating between the two servers.
    const clone = join(root, 'clone');
    sh('git', ['init', '-q', '-b', 'main', clone], { env: gitEnv });
    sh('git', ['commit', '-q', '--allow-empty', '-m', `Base\n\nX-GitLab-Duo-Session: ${SESSION}`], { cwd: clone, env: gitEnv });
    const plain = bare('plain', false);
    const hooked = bare('hooked', true);
    for (const remote of [plain, hooked]) sh('git', ['push', '-q', remote, 'main'], { cwd: clone, env: gitEnv });
    const without: number[] = [];
    const withHook: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      writeFileSync(join(clone, 'f.txt'), `change ${i}\n`);
      sh('git', ['add', '.'], { cwd: clone, env: gitEnv });
      sh('git', ['commit', '-q', '-m', `Change ${i}\n\nX-GitLab-Duo-Session: ${SESSION}`], { cwd: clone, env: gitEnv });
      without.push(timed(() => sh('git', ['push', '-q', plain, 'main'], { cwd: clone, env: gitEnv })));
      withHook.push(timed(() => sh('git', ['push', '-q', hooked, 'main'], { cwd: clone, env: gitEnv })));
    }
    const nodeStart = median(Array.from({ length: ROUNDS }, () => timed(() => sh(process.execPath, ['-e', '0']))));
    const added = median(withHook) - median(without);

    // 10,000 commits made with fast-import: every other one by the agent, traced.
    const big = join(root, 'big');
    sh('git', ['init', '-q', '-b', 'main', big], { env: gitEnv });
    const now = Math.floor(Date.now() / 1000) - 600;
    let stream = '';
    for (let i = 0; i < 10_000; i++) {
      const agent = i % 2 === 0;
      const message = agent ? `Agent change ${i}\n\nX-GitLab-Duo-Session: ${SESSION}\n` : `Human change ${i}\n`;
      const who = agent ? 'Duo Developer <duo-developer@noreply.gitlab.test>' : 'Dana Whitfield <dwhitfield@acme.test>';
      stream += `commit refs/heads/main\nauthor ${who} ${now + i} +0000\ncommitter Dana Whitfield <dwhitfield@acme.test> ${now + i} +0000\ndata ${Buffer.byteLength(message)}\n${message}`;
      stream += `M 644 inline f${i % 100}.txt\ndata ${String(i).length + 1}\n${i}\n\n`;
    }
    sh('git', ['fast-import', '--quiet'], { cwd: big, env: gitEnv, input: stream });
    const gitLog = median([0, 1, 2].map(() => timed(() => sh('git', ['log', '--format=%H %an %ae %cI%n%B', 'main'], { cwd: big, env: gitEnv }))));
    const bigWithout: number[] = [];
    const bigWith: number[] = [];
    for (let i = 0; i < 3; i++) {
      const p = bare(`big-plain-${i}`, false);
      const h = bare(`big-hooked-${i}`, true);
      bigWithout.push(timed(() => sh('git', ['push', '-q', p, 'main'], { cwd: big, env: gitEnv })));
      bigWith.push(timed(() => sh('git', ['push', '-q', h, 'main'], { cwd: big, env: gitEnv })));
    }
    const bigAdded = median(bigWith) - median(bigWithout);
    return [
      {
        name: 'pre-receive hook: added latency of a one-commit push (PostgreSQL)', metric: 'ms', value: added,
        baseline: { name: 'start-up of a bare `node -e 0`', value: nodeStart }, ratio: nodeStart / added,
        target: '<= 2x node start-up', pass: added <= 2 * nodeStart,
        notes: `median of ${ROUNDS} pushes each: ${median(withHook).toFixed(0)} ms with the hook, ${median(without).toFixed(0)} ms without; the hook asks the service once`,
      },
      {
        name: 'pre-receive hook: 10,000 new commits checked (PostgreSQL)', metric: 'ms added', value: bigAdded,
        baseline: { name: '`git log` over the same commits', value: gitLog }, ratio: gitLog / bigAdded,
        target: '<= 15x git log', pass: bigAdded <= 15 * gitLog,
        notes: `median of 3 pushes each into a new bare repository: ${median(bigWith).toFixed(0)} ms with the hook, ${median(bigWithout).toFixed(0)} ms without; 5,000 agent commits, all traced`,
      },
    ];
  } finally {
    service.kill('SIGTERM');
    await new Promise((r) => service.once('exit', r));
  }
}
