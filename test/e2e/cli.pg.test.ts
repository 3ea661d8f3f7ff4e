import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, existsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNoteSigner, generateSigningKey, signCheckpoint } from '../../src/integrity/index.js';
import { openDatabase } from '../../src/store/index.js';
import { cliRunner, useCliEnv } from '../support/cli.js';
import { target } from '../support/pg.js';
import { server } from '../support/msw.js';
import { http, passthrough } from 'msw';

const bin = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));

describe('flowtrail CLI', () => {
  const env = useCliEnv('cli');
  const run = cliRunner(env);

  it('prints usage and exits 2 for an unknown command, a bad option or a bad setting', async () => {
    expect((await run('frobnicate')).code).toBe(2);
    expect((await run('token', 'create')).out).toMatch(/--role is required/);
    expect((await run('export', '--format', 'xml')).code).toBe(2);
    const badRole = await run('token', 'create', '--role', 'wizard');
    expect(badRole.code).toBe(2);
    expect(badRole.out).toMatch(/^flowtrail token: role must be one of ingest, user, auditor, admin$/m);
    const saved = env.FLOWTRAIL_RETENTION_DAYS;
    env.FLOWTRAIL_RETENTION_DAYS = 'forever';
    const bad = await run('verify');
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/FLOWTRAIL_RETENTION_DAYS must be an integer/);
    env.FLOWTRAIL_RETENTION_DAYS = saved ?? '365';
    for (const c of ['serve', 'migrate', 'token', 'verify', 'export', 'retention', 'erase']) expect((await run(c, '--help')).code, c).toBe(0);
  });

  it('limits an ingest token to projects with a repeated --project, and lists them', async () => {
    const created = await run('token', 'create', '--role', 'ingest', '--project', 'acme-platform/payments-api', '--project', '4821');
    expect(created.code).toBe(0);
    const id = /id: (tk_[0-9a-f]+)/.exec(created.out)![1]!;
    expect((await run('token', 'list')).out).toMatch(new RegExp(`${id}\\tingest\\t-\\tacme-platform/payments-api,4821\\t`));
    const refused = await run('token', 'create', '--role', 'auditor', '--project', 'acme-platform/payments-api');
    expect(refused.code).not.toBe(0);
    expect(refused.out).toMatch(/only ingest tokens can be limited to projects/);
  });

  it('creates, lists and revokes tokens, verifies and exports, on its own database', async () => {
    const created = await run('token', 'create', '--role', 'auditor', '--name', 'for the auditors');
    expect(created.code).toBe(0);
    const id = /id: (tk_[0-9a-f]+)/.exec(created.out)![1]!;
    expect(created.out).toMatch(/token: ftk_[A-Za-z0-9_-]{40}/);
    expect((await run('token', 'list')).out).toMatch(new RegExp(`${id}\\tauditor\\t-\\t.*\\tactive\\tfor the auditors`));
    expect((await run('token', 'revoke', id)).code).toBe(0);
    expect((await run('token', 'revoke', 'tk_nope')).code).toBe(1);
    const out = join(env.FLOWTRAIL_DATA_DIR!, 'export.ndjson');
    expect((await run('export', '--format', 'ndjson', '--out', out)).code).toBe(0);
    const types = readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(expect.arrayContaining(['api_token_created', 'api_token_revoked']));
    // Without --format: ndjson, and the CLI says so (on standard error; stdout may be the export itself).
    const chosen = await run('export', '--out', out);
    expect(chosen).toEqual({ code: 0, out: 'flowtrail export: no --format given, writing ndjson (--format ndjson|csv|cef|ocsf)' });
    expect(readFileSync(out, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(expect.arrayContaining(['api_token_created']));
    const bundleFile = join(env.FLOWTRAIL_DATA_DIR!, 'bundle.json');
    const exported = await run('export', '--bundle', '--type', 'api_token_created', '--out', bundleFile);
    expect(exported.code).toBe(0);
    // The standalone verifier lands beside the bundle, and passes it.
    const beside = join(env.FLOWTRAIL_DATA_DIR!, 'verify-bundle.mjs');
    expect(exported.out).toBe(`wrote ${bundleFile} and, beside it, ${beside}: run \`node ${beside} ${bundleFile} --key VERIFIER_KEY\` to check it anywhere`);
    const standalone = spawnSync(process.execPath, [beside, bundleFile], { encoding: 'utf8' });
    expect(standalone.stdout).toMatch(/events in bundle: valid$/m);
    expect(standalone.status).toBe(0);
    const verified = await run('verify', '--bundle', bundleFile);
    expect(verified.out).toMatch(/events in bundle: valid/);
    expect(verified.code).toBe(0);
    const v = await run('verify');
    expect(v.out).toMatch(/: valid$/m);
    expect(v.code).toBe(0);
    const vkey = /^verifier key: (\S+)$/m.exec(v.out)![1]!;
    expect((await run('verify', '--key', vkey)).code).toBe(0);
    const stranger = createNoteSigner(generateSigningKey('x').privateKeyPem, vkey.split('+')[0]!).verifierKey;
    const forged = await run('verify', '--key', stranger);
    expect(forged.code).toBe(1);
    expect(forged.out).toMatch(/INVALID: unknown key/);
    expect((await run('verify', '--key', 'not-a-key')).code).toBe(2);
    expect((await run('verify', '--bundle', bundleFile, '--key', stranger)).code).toBe(1);
    expect((await run('retention', 'run')).code).toBe(0);
    expect((await run('erase')).code).toBe(2);
    const erased = await run('erase', '--user', 'nobody-here');
    expect(erased).toEqual({ code: 0, out: 'erased the texts of 0 events' });
  });

  it('places, lists and releases legal holds and sets retention rules on its own database', async () => {
    const placed = await run('holds', 'place', '--project', 'acme/payments', '--reason', 'Matter 17');
    expect(placed.code).toBe(0);
    const id = /^placed legal hold (\d+) on project acme\/payments$/.exec(placed.out)![1]!;
    expect((await run('holds', 'list')).out).toMatch(new RegExp(`^${id}\tproject acme/payments\tactive\t.*\tMatter 17$`, 'm'));
    expect(await run('holds', 'release', id, '--reason', 'closed')).toEqual({ code: 0, out: `released legal hold ${id} on project acme/payments` });
    expect((await run('holds', 'list')).out).toBe('no active legal holds');
    expect((await run('holds', 'list', '--all')).out).toMatch(/released .* by cli/);
    expect((await run('holds', 'release', id)).code).toBe(1);
    expect(await run('retention', 'set', '--flow-type', 'code_review', '--days', '400')).toEqual({ code: 0, out: 'flow_type code_review: 400 days' });
    expect((await run('retention', 'show')).out).toMatch(/^flow_type code_review: 400 days \(set .* by cli\)$/m);
    expect(await run('retention', 'unset', '--flow-type', 'code_review')).toEqual({ code: 0, out: 'removed the rule for flow_type code_review (was 400 days); the default applies' });
  });

  it.runIf(target === 'pglite')('goes through the running service while serve holds the embedded database', { timeout: 60_000 }, async () => {
    // The CLI talks to the local service for real; only GitLab is ever played by msw.
    server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    const child: ChildProcess = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const serveJson = join(env.FLOWTRAIL_DATA_DIR!, 'serve.json');
      for (let i = 0; i < 600 && !existsSync(serveJson); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(serveJson)).toBe(true);
      const created = await run('token', 'create', '--role', 'ingest');
      expect(created.code).toBe(0);
      // The service's 400 reaches the user as the usage error it is, in the CLI's terms.
      const refused = await run('token', 'create', '--role', 'wizard');
      expect(refused.code).toBe(2);
      expect(refused.out).toMatch(/^flowtrail token: role must be one of ingest, user, auditor, admin$/m);
      expect(refused.out).not.toMatch(/400|answered|service/);
      const v = await run('verify');
      expect(v.code).toBe(0);
      expect((await run('token', 'list')).out).toMatch(/local CLI bridge/);
      const held = await run('holds', 'place', '--session', 'demo-1', '--reason', 'Matter 18');
      expect(held.code, held.out).toBe(0);
      expect((await run('holds', 'list')).out).toMatch(/session demo-1\tactive\t.*Matter 18$/m);
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    expect(existsSync(join(env.FLOWTRAIL_DATA_DIR!, 'serve.json'))).toBe(false);
    // After shutdown the CLI opens the database itself again; the shutdown checkpoint covers every
    // event but its own record (integrity_checkpoint), and verifies.
    const v = await run('verify');
    expect(v.code).toBe(0);
    const events = Number(/^(\d+) events/m.exec(v.out)![1]);
    const sizes = [...v.out.matchAll(/^checkpoint (\d+): valid$/gm)].map((m) => Number(m[1]));
    expect(Math.max(...sizes)).toBe(events - 1);
  });

  it('copies its checkpoints to witnesses and checks the log against them with verify --against', { timeout: 180_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flowtrail-cli-witness-'));
    const bare = join(dir, 'git', 'checkpoints.git');
    const copies = join(dir, 'copies');
    env.FLOWTRAIL_CHECKPOINT_WITNESSES = `dir:${copies},git:${bare}`;
    try {
      await run('token', 'create', '--role', 'ingest');
      expect((await run('export', '--bundle', '--out', join(dir, 'b.json'))).code).toBe(0);
      const files = readdirSync(copies).filter((f) => f.endsWith('.checkpoint'));
      expect(files.length).toBeGreaterThan(0);
      const good = await run('verify', '--against', copies);
      expect(good.out).toMatch(/^witnessed checkpoint \d+ \(\d{12}\.checkpoint\): consistent: same root as the log's first \d+ events/m);
      expect(good.out).toMatch(/witnessed checkpoints against a log of \d+ events \(latest checkpoint \d+\): consistent$/m);
      expect(good.code).toBe(0);
      const fromGit = await run('verify', '--against', `git:${bare}`);
      expect(fromGit.out).toMatch(/: consistent$/m);
      expect(fromGit.code).toBe(0);
      // A copy the log's own key signed over another history: the fork is named, exit 1.
      const size = Number(files[files.length - 1]!.slice(0, 12));
      const signer = createNoteSigner(env.FLOWTRAIL_SIGNING_KEY!, env.FLOWTRAIL_LOG_ORIGIN!);
      writeFileSync(join(copies, `${String(size).padStart(12, '0')}.checkpoint`), signCheckpoint({ origin: env.FLOWTRAIL_LOG_ORIGIN!, size, rootHash: Buffer.alloc(32, 7) }, signer));
      const forked = await run('verify', '--against', copies);
      expect(forked.out).toMatch(new RegExp(`^FORK: the log and the witness agree up to tree size \\d+ and diverge after it: the witness's checkpoint for tree size ${size} `, 'm'));
      expect(forked.out).toMatch(/: INVALID$/m);
      expect(forked.code).toBe(1);
      expect((await run('verify', '--against', join(dir, 'nowhere'))).code).toBe(2);
    } finally {
      delete env.FLOWTRAIL_CHECKPOINT_WITNESSES;
    }
  });

  it('exits 1 when the log was tampered with', async () => {
    await run('token', 'create', '--role', 'ingest');
    await run('verify');
    const opened = await openDatabase({ url: env.FLOWTRAIL_DATABASE_URL, dataDir: env.FLOWTRAIL_DATA_DIR! });
    try {
      await opened.sql.begin(async (tx) => {
        await tx`set local flowtrail.purge = 'on'`;
        await tx`update audit_events set leaf = replace(leaf, '"role":"', '"role":"super') where seq = (select min(seq) from audit_events where type = 'api_token_created')`;
      });
    } finally {
      await opened.close();
    }
    const v = await run('verify');
    expect(v.code).toBe(1);
    expect(v.out).toMatch(/INVALID/);
  });
});
