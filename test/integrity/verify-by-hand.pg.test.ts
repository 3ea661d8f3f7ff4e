import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildBundle, formatBundle } from '../../src/audit/index.js';
import { buildInclusionProofs, canonicalJson, createNoteSigner, generateSigningKey, leafHash, rootFromLeafHashes, signCheckpoint } from '../../src/integrity/index.js';
import { useTestApp } from '../support/app.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';

// docs/verify-by-hand.md promises its commands are exact: every `sh` block, in order, run by bash
// in an empty folder with the bundle, with only PATH and the three variables the page asks for.
const doc = readFileSync(new URL('../../docs/verify-by-hand.md', import.meta.url), 'utf8');
const script = [...doc.matchAll(/^```sh\n([\s\S]*?)^```$/gm)].map((m) => m[1]).join('');

function runDoc(bundleText: string, seq: number, key: string): { code: number; out: string } {
  const dir = mkdtempSync(join(tmpdir(), 'flowtrail-by-hand-'));
  writeFileSync(join(dir, 'bundle.json'), bundleText);
  writeFileSync(join(dir, 'steps.sh'), script);
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', 'steps.sh'], {
    cwd: dir, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', SEQ: String(seq), VERIFIER_KEY: key },
  });
  return { code: r.status ?? -1, out: r.stdout + r.stderr };
}

function changeOneChar(text: string, linePattern: RegExp, after: string, offset = 0): string {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => linePattern.test(l));
  expect(i).toBeGreaterThanOrEqual(0);
  const at = lines[i]!.indexOf(after) + after.length + offset;
  const old = lines[i]![at]!;
  lines[i] = lines[i]!.slice(0, at) + (old === 'a' ? 'b' : 'a') + lines[i]!.slice(at + 1);
  return lines.join('\n');
}

describe('docs/verify-by-hand.md', () => {
  const t = useTestApp();

  it('has the commands for the checkpoint and the event', () => {
    expect(script).toMatch(/openssl pkeyutl -verify/);
    expect(script).toMatch(/sha256sum/);
    expect(script).not.toMatch(/\bjq\b|\bnode\b|\bpython/);
  });

  it('proves every event of a real bundle and its checkpoint with openssl and sha256sum', async () => {
    const events = [startedEvent('by-hand', at(0), { input_summary: 'a "quoted" summary' })];
    for (let i = 1; i <= 9; i++) events.push(flowEvent('duo_flow_decision_logged', 'by-hand', at(i), { step: i, decision: `decision ${i}` }));
    await t.ingest(events);
    await t.ingest([startedEvent('another', at(20))]);
    await t.deps.integrator.checkpoint(true);
    const bundle = await buildBundle(t.deps.sql, {
      filters: { sessionId: 'by-hand' }, actor: { id: 'test', role: 'admin', username: null }, channel: 'cli',
      origin: t.deps.origin, verifierKey: t.signer.verifierKey, sanitizer: t.deps.sanitizer,
    });
    const text = formatBundle(bundle);
    const size = Number(bundle.checkpoint.split('\n')[1]);
    for (const { seq } of bundle.events) {
      const r = runDoc(text, seq, t.signer.verifierKey);
      expect(r.out).toMatch(/^Signature Verified Successfully$/m);
      expect(r.out).toMatch(/^key ID computed: ([0-9a-f]{8}), in the key: \1, in the signature: \1$/m);
      expect(r.out, r.out).toMatch(new RegExp(`^event ${seq} is in the log of ${size} events the checkpoint signs$`, 'm'));
      expect(r.code).toBe(0);
    }
    const seq = bundle.events[4]!.seq;
    // One byte changed in the event, or in its first proof hash: the walk ends at another root.
    const leafLine = new RegExp(`"leaf": ".*\\\\"seq\\\\":${seq},`);
    const lines = text.split('\n');
    const proofLine = lines[lines.indexOf(`      "seq": ${seq},`) + 3]!;
    expect(proofLine).toMatch(/^ {8}"[A-Za-z0-9+/]{43}=",?$/);
    const proofChanged = text.replace(proofLine, proofLine.slice(0, 12) + (proofLine[12] === 'a' ? 'b' : 'a') + proofLine.slice(13));
    for (const changed of [changeOneChar(text, leafLine, 'event_id\\":\\"'), proofChanged]) {
      expect(changed.length).toBe(text.length);
      const r = runDoc(changed, seq, t.signer.verifierKey);
      expect(r.out).toMatch(/^Signature Verified Successfully$/m);
      expect(r.out).toMatch(new RegExp(`^event ${seq}: the proof DOES NOT lead to the checkpoint's root$`, 'm'));
    }
    // One byte changed in the checkpoint's root or in its signature: openssl refuses, and bash stops there.
    for (const changed of [changeOneChar(text, /^ {2}"checkpoint": /, '\\n', 4), changeOneChar(text, /^ {2}"checkpoint": /, '\\n\\n\u2014 flowtrail/test ', 30)]) {
      const r = runDoc(changed, seq, t.signer.verifierKey);
      expect(r.out).toMatch(/Signature Verification Failure/);
      expect(r.out).not.toMatch(/is in the log/);
      expect(r.code).not.toBe(0);
    }
    // Another key than the one that signed: the key IDs differ and openssl refuses.
    const stranger = createNoteSigner(generateSigningKey('flowtrail/test').privateKeyPem, 'flowtrail/test').verifierKey;
    const r = runDoc(text, seq, stranger);
    expect(r.out).toMatch(/Signature Verification Failure/);
    expect(r.code).not.toBe(0);
  });

  it('undoes the JSON escapes of leaves that hold quotes, backslashes, control characters and any Unicode', () => {
    const origin = 'flowtrail/escapes.example';
    const key = generateSigningKey(origin);
    const strings = ['plain', 'a "quote"', 'back\\slash \\" \\\\n', 'line\nbreak\ttab\u0001', 'ünïcödé — 中文 \u2028 \u{1F600}', '%b %s \\0 $HOME `id`'];
    const leaves = strings.map((s, seq) => canonicalJson({ seq, type: 'duo_flow_decision_logged', data: { s }, v: 1 }));
    const hashes = leaves.map((l) => leafHash(l));
    const size = leaves.length;
    const checkpoint = signCheckpoint({ origin, size, rootHash: rootFromLeafHashes(hashes) }, createNoteSigner(key.privateKeyPem, origin));
    const proofs = buildInclusionProofs(hashes, size, leaves.map((_, seq) => seq));
    const text = formatBundle({ format: 'flowtrail-bundle-v1', origin, checkpoint, verifier_key: key.verifierKey, events: leaves.map((leaf, seq) => ({ seq, leaf, proof: proofs[seq] })), texts: [] });
    for (let seq = 0; seq < size; seq++) {
      const r = runDoc(text, seq, key.verifierKey);
      expect(r.out, `seq ${seq}: ${r.out}`).toMatch(new RegExp(`^event ${seq} is in the log of ${size} events the checkpoint signs$`, 'm'));
    }
  });
});
