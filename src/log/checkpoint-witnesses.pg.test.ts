import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { server as msw } from '../../test/support/msw.js';
import { testConfig, useTestApp } from '../../test/support/app.js';
import { at, flowEvent, startedEvent } from '../../test/support/flow-events.js';
import { checkWitnessCopy } from '../audit/index.js';
import { createNoteSigner, generateSigningKey, leafHash, parseVerifierKey, signCheckpoint } from '../integrity/index.js';
import { loadKeys } from '../load-keys.js';
import { createWitnessPublisher } from './witness-publisher.js';
import { createGitWitness } from './git-witness.js';
import { checkpointFileName } from './checkpoint-witness.js';
import { openLog } from './open-log.js';

const tmp = (name: string) => mkdtempSync(join(tmpdir(), `flowtrail-${name}-`));
const git = (args: string[]) => execFileSync('git', args, { encoding: 'utf8', env: { PATH: process.env.PATH ?? '', HOME: tmp('git-home'), GIT_CONFIG_NOSYSTEM: '1' } });

/** A real HTTP witness on a local port: it answers `failFirst` POSTs with 503, then keeps every note. */
function startReceiver(failFirst = 0): Promise<{ url: string; received: { size: string | undefined; note: string }[]; refused: () => number; close: () => Promise<void> }> {
  const received: { size: string | undefined; note: string }[] = [];
  let refused = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      if (req.method !== 'POST' || req.headers['content-type'] !== 'text/plain; charset=utf-8') return res.writeHead(415).end();
      if (refused < failFirst) {
        refused++;
        return res.writeHead(503).end('down for a while');
      }
      received.push({ size: req.headers['x-flowtrail-tree-size'] as string | undefined, note: body });
      res.writeHead(204).end();
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/checkpoints`,
    received,
    refused: () => refused,
    close: () => new Promise<void>((r) => server.close(() => r())),
  })));
}

describe('checkpoint witnesses', () => {
  const t = useTestApp();
  const checkpoints = async () => (await t.deps.sql`select tree_size, note from checkpoints order by tree_size`).map((r) => ({ treeSize: r.treeSize as number, note: r.note as string }));
  // The witnesses talk to real local servers (HTTP, git): msw steps aside for this file, since its
  // interception of a POST with a body held each request for ten seconds (the whole test then ran out of time).
  beforeAll(() => msw.close());
  afterAll(() => msw.listen({ onUnhandledRequest: 'error' }));

  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeAll(async () => (receiver = await startReceiver(2)));
  afterAll(() => receiver.close());

  it('copy every checkpoint to a directory, a git repository and an HTTP endpoint, retrying a witness that fails without holding up the log', { timeout: 120_000 }, async () => {
    const dir = tmp('witness-dir');
    const legacyDir = tmp('witness-legacy');
    const bare = join(tmp('witness-git'), 'checkpoints.git');
    const config = testConfig({ FLOWTRAIL_CHECKPOINT_WITNESSES: `dir:${dir}, git:${bare},${receiver.url}`, FLOWTRAIL_CHECKPOINT_DIR: legacyDir });
    expect(config.integrity.witnesses.map((w) => w.kind)).toEqual(['dir', 'git', 'http', 'dir']);
    const failures: string[] = [];
    const delivered: string[] = [];
    const log = await openLog(config, t.deps.sql, await loadKeys(config), {
      onWitnessFailure: (w) => failures.push(w), onWitnessDelivered: (w) => delivered.push(w), witnessDelays: { minDelayMs: 10, maxDelayMs: 50 },
    });
    await t.ingest([startedEvent('w1', at(0))]);
    await log.integrator.checkpoint(true);
    await t.ingest([flowEvent('duo_flow_decision_logged', 'w1', at(1), { step: 1, decision: 'go' })]);
    // The HTTP witness refuses twice: the checkpoint is signed and the call returns all the same.
    await log.integrator.checkpoint(true);
    const behind = await log.witnesses.flush(90_000);
    expect(behind, JSON.stringify(behind)).toEqual([]);
    log.witnesses.stop();
    const signed = (await checkpoints()).slice(-2);
    const files = signed.map((c) => checkpointFileName(c.treeSize));
    for (const d of [dir, legacyDir]) {
      expect(readdirSync(d).filter((f) => f.endsWith('.checkpoint'))).toEqual(expect.arrayContaining(files));
      for (const c of signed) expect(readFileSync(join(d, checkpointFileName(c.treeSize)), 'utf8')).toBe(c.note);
    }
    for (const c of signed) expect(git(['--git-dir', bare, 'show', `main:${checkpointFileName(c.treeSize)}`])).toBe(c.note);
    expect(git(['--git-dir', bare, 'log', '--format=%s', 'main'])).toMatch(/^checkpoint \d+$/m);
    expect(receiver.refused()).toBe(2);
    expect(receiver.received.filter((r) => signed.some((c) => c.note === r.note && String(c.treeSize) === r.size))).toHaveLength(2);
    expect(failures.filter((f) => f === receiver.url)).toHaveLength(2);
    expect(new Set(delivered)).toEqual(new Set([`dir:${dir}`, `git:${bare}`, receiver.url, `dir:${legacyDir}`]));
  });

  it('refuse to replace a copy that holds another note for the same tree size, and keep retrying it visibly', async () => {
    const dir = tmp('witness-conflict');
    writeFileSync(join(dir, checkpointFileName(7)), 'a different note\n');
    const failures: string[] = [];
    const config = testConfig({ FLOWTRAIL_CHECKPOINT_WITNESSES: `dir:${dir}` });
    const log = await openLog(config, t.deps.sql, await loadKeys(config), { onWitnessFailure: (w) => failures.push(w), witnessDelays: { minDelayMs: 10, maxDelayMs: 20 } });
    log.witnesses.publish('the log\'s note\n', 7);
    const behind = await log.witnesses.flush(300);
    log.witnesses.stop();
    expect(behind).toEqual([{ witness: `dir:${dir}`, pending: 1, error: expect.stringMatching(/000000000007.checkpoint already holds a different checkpoint for tree size 7 \(a fork/) }]);
    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(readFileSync(join(dir, checkpointFileName(7)), 'utf8')).toBe('a different note\n');
  });

  it('commit to a git repository that another writer moved on, and skip what it already holds', async () => {
    const bare = join(tmp('witness-shared'), 'shared.git');
    const a = createGitWitness(bare, tmp('data-a'));
    const b = createGitWitness(bare, tmp('data-b'));
    await a.deliver([{ treeSize: 1, note: 'one\n' }]);
    await b.deliver([{ treeSize: 1, note: 'one\n' }, { treeSize: 2, note: 'two\n' }]);
    await a.deliver([{ treeSize: 3, note: 'three\n' }]);
    await a.deliver([{ treeSize: 3, note: 'three\n' }]);
    expect(git(['--git-dir', bare, 'log', '--format=%s', 'main']).trim().split('\n')).toEqual(['checkpoint 3', 'checkpoints 1 to 2 (1 new)', 'checkpoint 1']);
    await expect(b.deliver([{ treeSize: 2, note: 'forged\n' }])).rejects.toThrow(/already holds a different checkpoint for tree size 2/);
    const unreachable = createGitWitness('https://user:s3cret@127.0.0.1:9/nowhere.git', tmp('data-c'));
    expect(unreachable.name).toBe('git:https://127.0.0.1:9/nowhere.git');
    const failed = await unreachable.deliver([{ treeSize: 1, note: 'one\n' }]).then(() => '', (e: Error) => e.message);
    expect(failed).toMatch(/^git clone failed for https:\/\/127\.0\.0\.1:9\/nowhere\.git/);
    expect(failed).not.toMatch(/s3cret/);
  });

  it('a publisher without witnesses has nothing pending', async () => {
    const p = createWitnessPublisher([]);
    p.publish('note\n', 1);
    expect(p.pending()).toBe(0);
    expect(await p.flush(10)).toEqual([]);
  });

  describe('verify --against a witness copy', () => {
    const seed = async () => {
      for (let round = 0; round < 3; round++) {
        const events = [startedEvent(`s${round}`, at(round * 10))];
        for (let i = 1; i <= 4; i++) events.push(flowEvent('duo_flow_decision_logged', `s${round}`, at(round * 10 + i), { step: i, decision: `d${i}` }));
        await t.ingest(events);
        await t.deps.integrator.checkpoint(true);
      }
      return (await checkpoints()).map((c) => ({ file: checkpointFileName(c.treeSize), note: c.note, treeSize: c.treeSize }));
    };
    const check = (copies: { file: string; note: string }[]) => checkWitnessCopy(t.deps.sql, t.deps.verifiers, 'flowtrail/test', copies);

    it('finds every genuine copy consistent, also over the API', async () => {
      const copies = await seed();
      const r = await check(copies);
      expect(r.problems).toEqual([]);
      expect(r.ok).toBe(true);
      expect(r.checkpoints.every((c) => c.status.startsWith('consistent: same root as the log\'s first'))).toBe(true);
      const auditor = await t.token('auditor');
      const post = (body: unknown) => t.app.request('/api/v1/integrity/verify-against', { method: 'POST', headers: { authorization: `Bearer ${auditor}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(await (await post({ checkpoints: copies.map(({ file, note }) => ({ file, note })) })).json()).toMatchObject({ ok: true, problems: [] });
      const bad = await post({ checkpoints: [] });
      expect(bad.status).toBe(400);
      expect(await bad.text()).toMatch(/checkpoints/);
      expect((await post({ checkpoints: [{ file: 'x', note: 'y' }], keys: ['nonsense'] })).status).toBe(400);
      const user = await t.token('user', 'dwhitfield');
      expect((await t.app.request('/api/v1/integrity/verify-against', { method: 'POST', headers: { authorization: `Bearer ${user}`, 'content-type': 'application/json' }, body: '{}' })).status).toBe(403);
    });

    it('reports a fork with the tree sizes where the log and the witness diverge, after history was rewritten', async () => {
      const copies = await seed();
      const [first, second] = copies;
      // The owner rewrites one event between the first and second witnessed checkpoints.
      await t.deps.sql.begin(async (tx) => {
        await tx`set local flowtrail.purge = 'on'`;
        await tx`update audit_events set leaf_hash = ${leafHash('rewritten')} where seq = ${first!.treeSize + 1}`;
      });
      const r = await check(copies);
      expect(r.ok).toBe(false);
      expect(r.problems[0]).toBe(
        `FORK: the log and the witness agree up to tree size ${first!.treeSize} and diverge after it: the witness's checkpoint for tree size ${second!.treeSize} (${second!.file}) has root ` +
        `${/\n(.+)\n\n/.exec(second!.note)![1]}, the log's first ${second!.treeSize} events hash to ${r.problems[0]!.match(/hash to (\S+)\./)![1]}. The log differs from what the witness saw somewhere in seq ${first!.treeSize} to ${second!.treeSize - 1}`,
      );
      expect(r.checkpoints.map((c) => c.status.split(':')[0])).toEqual(['consistent', 'INVALID', 'INVALID']);
    });

    it('reports a rollback, a forged copy and a copy of another log', async () => {
      const copies = await seed();
      const key = generateSigningKey('flowtrail/test');
      const stranger = createNoteSigner(key.privateKeyPem, 'flowtrail/test');
      const forged = signCheckpoint({ origin: 'flowtrail/test', size: 5, rootHash: leafHash('x') }, stranger);
      const ahead = signCheckpoint({ origin: 'flowtrail/test', size: 999, rootHash: leafHash('x') }, t.signer);
      const r = await check([...copies, { file: 'forged.checkpoint', note: forged }, { file: checkpointFileName(999), note: ahead }]);
      expect(r.ok).toBe(false);
      expect(r.problems[0]).toMatch(/^ROLLBACK: the witness saw a log of 999 events \(000000000999.checkpoint\); the log now has \d+\./);
      expect(r.problems).toContain('forged.checkpoint: not a checkpoint signed by a trusted key (unknown key): forged, damaged, or signed by another key');
      const other = createNoteSigner(key.privateKeyPem, 'flowtrail/elsewhere');
      const foreign = signCheckpoint({ origin: 'flowtrail/elsewhere', size: 1, rootHash: leafHash('x') }, other);
      const f = await checkWitnessCopy(t.deps.sql, [...t.deps.verifiers, parseVerifierKey(other.verifierKey)], 'flowtrail/test', [{ file: 'foreign.checkpoint', note: foreign }]);
      expect(f.problems).toEqual(['foreign.checkpoint: a checkpoint of another log (origin "flowtrail/elsewhere", this log is "flowtrail/test")']);
    });
  });
});
