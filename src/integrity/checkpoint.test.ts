import { describe, expect, it } from 'vitest';
import { CheckpointError, type CheckpointErrorReason } from './checkpoint-error.js';
import { formatCheckpoint, openCheckpoint, parseCheckpoint, signCheckpoint } from './checkpoint.js';
import { createNoteSigner, generateSigningKey, parseVerifierKey } from './signed-note.js';

// sigsum/sigsum-go pkg/checkpoint/checkpoint_test.go (TestGoSumDBCheckpoint): a real checkpoint
// "retrieved from https://sum.golang.org/latest, 2024-09-23", and the sum.golang.org verifier key
// that test copies from golang/go src/cmd/go/internal/modfetch/key.go.
const sumdbKey = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
const sumdbCheckpoint =
  'go.sum database tree\n30055305\nmXfgRcJ0bG0j3CPdKwgGWtUzBUbX67saZGRmFuJGGsM=\n\n' +
  '\u2014 sum.golang.org Az3grpgEild5qw7+5dtV13Kf1C2Xurm8q4fhdxvcsDHnqNTaxL2AFjBY+2TyGKevucFcAAlWFJJYle3EJlDCrQ+y3A8=\n';

// C2SP/C2SP tlog-checkpoint.md: the example checkpoint (its key is not published).
const c2spExample =
  'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
  '\u2014 example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n';

function reasonOf(action: () => unknown): CheckpointErrorReason | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof CheckpointError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('checkpoint', () => {
  const root = Buffer.alloc(32, 7);
  const name = 'flowtrail.example/log';
  const { privateKeyPem, verifierKey } = generateSigningKey(name);
  const signer = createNoteSigner(privateKeyPem, name);
  const verifier = parseVerifierKey(verifierKey);

  it('opens the sum.golang.org checkpoint of sigsum-go TestGoSumDBCheckpoint', () => {
    const cp = openCheckpoint(sumdbCheckpoint, [parseVerifierKey(sumdbKey)]);
    expect(cp.origin).toBe('go.sum database tree');
    expect(cp.size).toBe(30055305);
    expect(cp.rootHash.toString('base64')).toBe('mXfgRcJ0bG0j3CPdKwgGWtUzBUbX67saZGRmFuJGGsM=');
    expect(cp.extensions).toEqual([]);
    expect(cp.note).toBe(sumdbCheckpoint);
    expect(formatCheckpoint(cp)).toBe(sumdbCheckpoint.slice(0, sumdbCheckpoint.indexOf('\n\n') + 1));
  });

  it('rejects the sum.golang.org checkpoint with a changed size, root or unknown key', () => {
    const sumdb = parseVerifierKey(sumdbKey);
    expect(reasonOf(() => openCheckpoint(sumdbCheckpoint.replace('30055305', '30055306'), [sumdb]))).toBe('bad signature');
    expect(reasonOf(() => openCheckpoint(sumdbCheckpoint.replace('mXfg', 'mXfh'), [sumdb]))).toBe('bad signature');
    expect(reasonOf(() => openCheckpoint(sumdbCheckpoint, [verifier]))).toBe('unknown key');
  });

  it('parses the c2sp.org/tlog-checkpoint example text', () => {
    const cp = parseCheckpoint(c2spExample.slice(0, c2spExample.indexOf('\n\n') + 1));
    expect([cp.origin, cp.size, cp.rootHash.toString('base64')]).toEqual([
      'example.com/behind-the-sofa',
      20852163,
      'CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=',
    ]);
    expect(reasonOf(() => openCheckpoint(c2spExample, [verifier]))).toBe('unknown key');
  });

  it('round-trips a signed checkpoint with extension lines', () => {
    const note = signCheckpoint({ origin: name, size: 42, rootHash: root, extensions: ['ext one', 'ext two'] }, signer);
    expect(note.startsWith(`${name}\n42\n${root.toString('base64')}\next one\next two\n\n\u2014 ${name} `)).toBe(true);
    const cp = openCheckpoint(note, [verifier]);
    expect([cp.origin, cp.size, cp.rootHash, cp.extensions]).toEqual([name, 42, root, ['ext one', 'ext two']]);
  });

  it('refuses tampered and foreign checkpoints with a precise reason', () => {
    const note = signCheckpoint({ origin: name, size: 42, rootHash: root }, signer);
    const other = generateSigningKey(name);
    const forged = signCheckpoint({ origin: name, size: 43, rootHash: root }, createNoteSigner(other.privateKeyPem, name));
    expect(reasonOf(() => openCheckpoint(note.replace('\n42\n', '\n43\n'), [verifier]))).toBe('bad signature');
    expect(reasonOf(() => openCheckpoint(forged, [verifier]))).toBe('unknown key');
    expect(reasonOf(() => openCheckpoint(note.replace('\n\n', '\n'), [verifier]))).toBe('malformed note');
    const garbage = signer.sign('not a checkpoint\n');
    expect(reasonOf(() => openCheckpoint(garbage, [verifier]))).toBe('malformed checkpoint');
  });

  it('parses strictly', () => {
    const b64 = root.toString('base64');
    const bad = [
      `${name}\n42\n${b64}`, // no final newline
      `${name}\n42\n`, // no root
      `\n42\n${b64}\n`, // empty origin
      `${name}\n042\n${b64}\n`, // leading zero
      `${name}\n-42\n${b64}\n`,
      `${name}\n+42\n${b64}\n`,
      `${name}\n4e1\n${b64}\n`,
      `${name}\n9007199254740993\n${b64}\n`, // beyond safe integers
      `${name}\n42\nthisisnotright\n`,
      `${name}\n42\n${Buffer.alloc(31).toString('base64')}\n`,
      `${name}\n42\n${b64.slice(0, -1)}\n`, // unpadded
      `${name}\n42\n${b64}\n\n`, // empty extension line
      `${name}\t\n42\n${b64}\n`, // control character
    ];
    for (const text of bad) expect(reasonOf(() => parseCheckpoint(text)), JSON.stringify(text)).toBe('malformed checkpoint');
    expect(parseCheckpoint(`${name}\n0\n${b64}\n`).size).toBe(0);
  });

  it('refuses to format what it could not parse back', () => {
    expect(reasonOf(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: root }))).toBe('malformed checkpoint');
    expect(reasonOf(() => formatCheckpoint({ origin: name, size: -1, rootHash: root }))).toBe('malformed checkpoint');
    expect(reasonOf(() => formatCheckpoint({ origin: name, size: 1, rootHash: root.subarray(1) }))).toBe('malformed checkpoint');
    expect(reasonOf(() => formatCheckpoint({ origin: name, size: 1, rootHash: root, extensions: [''] }))).toBe('malformed checkpoint');
  });
});
