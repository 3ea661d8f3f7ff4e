import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, formatBundle } from '../../src/audit/index.js';
import { runCli } from '../../src/cli/main.js';
import { bundleVerifierPath, createNoteSigner, generateSigningKey } from '../../src/integrity/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

// The verifier an auditor receives, run as they would run it: copied with the bundle into an
// empty folder (no node_modules anywhere above it), by a bare `node` with none of our settings.
function runStandalone(bundleText: string, ...args: string[]): { code: number; out: string; err: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-auditor-'));
  copyFileSync(bundleVerifierPath, join(dir, 'verify-bundle.mjs'));
  writeFileSync(join(dir, 'bundle.json'), bundleText);
  expect(readdirSync(dir).sort()).toEqual(['bundle.json', 'verify-bundle.mjs']);
  const r = spawnSync(process.execPath, ['verify-bundle.mjs', ...args], { cwd: dir, env: { PATH: process.env.PATH ?? '' }, encoding: 'utf8' });
  return { code: r.status ?? -1, out: r.stdout, err: r.stderr };
}

/** `flowtrail verify --bundle`, the same check inside flowtrail, on the same text. */
async function runFlowtrail(bundleText: string, key: string): Promise<{ code: number; out: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-cli-bundle-'));
  writeFileSync(join(dir, 'bundle.json'), bundleText);
  const lines: string[] = [];
  const code = await runCli(['verify', '--bundle', join(dir, 'bundle.json'), '--key', key], { FLOWTRAIL_DATA_DIR: dir }, (s) => lines.push(s), (s) => lines.push(s));
  return { code, out: lines.map((l) => `${l}\n`).join('') };
}

/** Changes the one character at `offset` within the first line matching `pattern` (after `from` in it). */
function changeOneByte(text: string, pattern: RegExp, from: string, offset: number): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => pattern.test(l));
  expect(i, `a line matching ${pattern}`).toBeGreaterThanOrEqual(0);
  const line = lines[i]!;
  const at = line.indexOf(from) + from.length + offset;
  const old = line[at]!;
  const replacement = old === 'A' ? 'B' : old === '0' ? '1' : /[0-9]/.test(old) ? '0' : 'A';
  lines[i] = line.slice(0, at) + replacement + line.slice(at + 1);
  const changed = lines.join('\n');
  expect(Buffer.from(changed).length).toBe(Buffer.from(text).length);
  return changed;
}

describe('verify-bundle.mjs, the standalone verifier', () => {
  const t = useTestApp();

  async function sessionBundle(): Promise<{ text: string; key: string; seqs: number[] }> {
    const events = [startedEvent('aud-1', at(0), { input_summary: 'Fix the flaky payment test, "quoted" and \\ back' })];
    for (let i = 1; i <= 6; i++) events.push(flowEvent('duo_flow_decision_logged', 'aud-1', at(i), { step: i, decision: `decision ${i}`, rationale: 'because ünïcode' }));
    await t.ingest(events);
    await t.ingest([startedEvent('other', at(9))]);
    await t.deps.integrator.checkpoint(true);
    const bundle = await buildBundle(t.deps.sql, {
      filters: { sessionId: 'aud-1' }, actor: { id: 'test', role: 'admin', username: null }, channel: 'cli',
      origin: t.deps.origin, verifierKey: t.signer.verifierKey, sanitizer: t.deps.sanitizer,
    });
    expect(bundle.events).toHaveLength(7);
    expect(bundle.texts.length).toBeGreaterThan(0);
    return { text: formatBundle(bundle), key: t.signer.verifierKey, seqs: bundle.events.map((e) => e.seq) };
  }

  it('passes a good bundle in an empty folder, with the key it carries or a given one, as flowtrail does', async () => {
    const { text, key } = await sessionBundle();
    const carried = runStandalone(text, 'bundle.json');
    expect(carried.err).toBe('');
    expect(carried.code).toBe(0);
    expect(carried.out).toMatch(/^no --key given: checking against the verifier key the bundle carries, flowtrail\/test\+[0-9a-f]{8}\+/);
    expect(carried.out).toMatch(/^checkpoint \d+: valid$/m);
    expect(carried.out).toMatch(/^7 events in bundle: valid$/m);
    const given = runStandalone(text, 'bundle.json', '--key', key);
    expect(given.code).toBe(0);
    expect(given.out).not.toMatch(/no --key/);
    const inside = await runFlowtrail(text, key);
    expect(inside.code).toBe(0);
    expect(given.out.startsWith(inside.out)).toBe(true);
  });

  it('fails on one byte changed in an event, a proof, the checkpoint or its signature, naming it, as flowtrail does', async () => {
    const { text, key, seqs } = await sessionBundle();
    const third = seqs[2]!;
    const cases = [
      { what: 'event', text: changeOneByte(text, new RegExp(`"leaf": ".*\\\\"seq\\\\":${third},`), 'event_id\\":\\"', 0), says: new RegExp(`^event ${third}: INVALID: inclusion proof does not verify$`, 'm') },
      { what: 'proof', text: changeOneByte(text, /^ {8}"[A-Za-z0-9+/]{43}="/, '"', 5), says: /^event \d+: INVALID: inclusion proof does not verify$/m },
      { what: 'checkpoint', text: changeOneByte(text, /^ {2}"checkpoint": /, '\\n', 0), says: /^checkpoint \?: INVALID: bad signature: the checkpoint's text \(origin, tree size \d+ or root\) was changed/m },
      { what: 'signature', text: changeOneByte(text, /^ {2}"checkpoint": /, '\\n\\n\u2014 flowtrail/test ', 20), says: /^checkpoint \?: INVALID: bad signature: the signature was changed \(or made by another key\)/m },
    ];
    for (const c of cases) {
      const standalone = runStandalone(c.text, 'bundle.json', '--key', key);
      expect(standalone.code, c.what).toBe(1);
      expect(standalone.out, c.what).toMatch(c.says);
      expect(standalone.out, c.what).toMatch(/^\d+ events in bundle: INVALID$/m);
      const inside = await runFlowtrail(c.text, key);
      expect(inside, c.what).toEqual({ code: 1, out: standalone.out });
    }
  });

  it('fails on a text changed behind its commitment and on a checkpoint signed by another key', async () => {
    const { text, key } = await sessionBundle();
    const changed = text.replace('because ünïcode', 'because unicode');
    expect(changed).not.toBe(text);
    const r = runStandalone(changed, 'bundle.json', '--key', key);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^event \d+: INVALID: text "rationale" does not match its commitment$/m);
    const stranger = createNoteSigner(generateSigningKey('flowtrail/test').privateKeyPem, 'flowtrail/test').verifierKey;
    const other = runStandalone(text, 'bundle.json', '--key', stranger);
    expect(other.code).toBe(1);
    expect(other.out).toMatch(/^checkpoint \?: INVALID: unknown key \(no signature by a trusted verifier key\)$/m);
    expect(other.out).toMatch(/^7 events not checked: their proofs lead to a checkpoint that did not verify$/m);
    expect(await runFlowtrail(text, stranger)).toEqual({ code: 1, out: other.out });
  });

  it('exits 2 with its usage for no file, an unreadable or foreign file, and a bad key', async () => {
    const none = runStandalone('{}');
    expect(none.code).toBe(2);
    expect(none.err).toMatch(/^verify-bundle: name the bundle file\n\nUsage: node verify-bundle.mjs/);
    expect(runStandalone('{}', 'missing.json').err).toMatch(/cannot read missing.json as JSON/);
    expect(runStandalone('{"hello": 1}', 'bundle.json')).toMatchObject({ code: 2, err: expect.stringMatching(/bundle.json is not a flowtrail bundle: it has no "origin" string/) });
    expect(runStandalone('not json', 'bundle.json').code).toBe(2);
    const { text } = await sessionBundle();
    expect(runStandalone(text, 'bundle.json', '--key', 'nonsense')).toMatchObject({ code: 2, err: expect.stringMatching(/--key "nonsense" is not a verifier key/) });
    expect(runStandalone(text, 'bundle.json', '--frobnicate').code).toBe(2);
    expect(runStandalone(text, '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: node verify-bundle.mjs/) });
  });
});
