import crypto from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CheckpointError, type CheckpointErrorReason } from './checkpoint-error.js';
import { createNoteSigner, generateSigningKey, openNote, parseVerifierKey } from './signed-note.js';

// golang/mod sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign, TestOpen).
const peterSkey = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const peterKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const enochKey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const text = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig =
  '\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig =
  '\u2014 EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

/** The Go signer key `PRIVATE+KEY+<name>+<hash>+base64(0x01 || seed)` as a PKCS#8 PEM. */
function pemFromGoSignerKey(skey: string): string {
  const seed = Buffer.from(skey.split('+').slice(4).join('+'), 'base64').subarray(1);
  const der = Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), seed]);
  return crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

function reasonOf(action: () => unknown): CheckpointErrorReason | undefined {
  try {
    action();
  } catch (error) {
    if (error instanceof CheckpointError) return error.reason;
    throw error;
  }
  return undefined;
}

describe('signed note', () => {
  const peter = parseVerifierKey(peterKey);
  const enoch = parseVerifierKey(enochKey);

  it('signs byte for byte like sumdb/note TestSign', () => {
    const signer = createNoteSigner(pemFromGoSignerKey(peterSkey), 'PeterNeumann');
    expect(signer.keyHash).toBe(0xc74f20a3);
    expect(signer.verifierKey).toBe(peterKey);
    expect(signer.sign(text)).toBe(`${text}\n${peterSig}`);
    expect(reasonOf(() => signer.sign('abc'))).toBe('malformed note');
  });

  it('parses the TestNewVerifier key and rejects every mangling of it', () => {
    expect(peter.name).toBe('PeterNeumann');
    expect(peter.keyHash).toBe(0xc74f20a3);
    const bad: string[] = [
      'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==', // wrong length, adjusted hash
      'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW', // unknown algorithm, adjusted hash
    ];
    for (let i = 0; i <= peterKey.length; i++) {
      for (let j = i + 1; j <= peterKey.length; j++) if (i !== 0 || j !== peterKey.length) bad.push(peterKey.slice(i, j));
    }
    for (let i = 0; i < peterKey.length; i++) {
      bad.push(peterKey.slice(0, i) + String.fromCharCode(peterKey.charCodeAt(i) + 1) + peterKey.slice(i + 1));
    }
    for (const key of bad) expect(reasonOf(() => parseVerifierKey(key)), key).toBe('malformed key');
  });

  it('opens the TestOpen notes with one, both or no known keys', () => {
    const both = `${text}\n${peterSig}${enochSig}`;
    const one = openNote(both, [peter]);
    expect(one.text).toBe(text);
    expect(one.signatures.map((s) => [s.name, s.keyHash])).toEqual([['PeterNeumann', 0xc74f20a3]]);
    expect(one.unverified.map((s) => [s.name, s.keyHash])).toEqual([['EnochRoot', 0xaf0cfe78]]);
    expect(openNote(both, [peter, enoch]).signatures.map((s) => s.name)).toEqual(['PeterNeumann', 'EnochRoot']);
    expect(reasonOf(() => openNote(both, []))).toBe('unknown key');
    expect(reasonOf(() => openNote(`${text}\n${peterSig}`, [enoch, peter, enoch]))).toBeUndefined();
  });

  it('drops repeated signatures and caps their number like TestOpen', () => {
    const enochABCD = `${enochSig.slice(0, 60)}ABCD${enochSig.slice(60)}`;
    const opened = openNote(`${text}\n${peterSig}${peterSig}${enochSig}${enochSig}${enochABCD}`, [peter]);
    expect(opened.signatures).toHaveLength(1);
    expect(opened.unverified).toHaveLength(2);
    expect(reasonOf(() => openNote(`${text}\n${peterSig.repeat(101)}`, [peter]))).toBe('malformed note');
  });

  it('rejects a corrupted signature by a known key like TestOpen', () => {
    const corrupted = `${peterSig.slice(0, 60)}ABCD${peterSig.slice(60)}`;
    expect(reasonOf(() => openNote(`${text}\n${corrupted}`, [peter]))).toBe('bad signature');
    expect(reasonOf(() => openNote(`${text.replace('problem', 'Problem')}\n${peterSig}`, [peter]))).toBe('bad signature');
  });

  it('rejects the malformed encodings of TestOpen', () => {
    const badMsgs = [
      text,
      `${text}\n`,
      `${text}\n${peterSig.slice(0, -1)}`,
      `\u0001${text}\n${peterSig}`,
      `${text}\n\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
      `${text}\n${peterSig}Unexpected line.\n`,
      `${text}\n${peterSig.replace('\u2014', '-')}`, // hyphen instead of EM DASH
      `lone \ud800\n\n${peterSig}`,
    ];
    // TestOpen's "\xff" case is invalid UTF-8, which a JavaScript string cannot hold.
    for (const msg of badMsgs) expect(reasonOf(() => openNote(msg, [peter])), JSON.stringify(msg)).toBe('malformed note');
  });

  it('splits text from signatures at the last blank line (c2sp.org/signed-note example)', () => {
    // C2SP/C2SP signed-note.md: the example note, whose text itself contains a blank line.
    const note =
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned \u00e8 subito sera.\n\n' +
      '\u2014 quasimodo.example/salvatore NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n';
    expect(reasonOf(() => openNote(note, [peter]))).toBe('unknown key');
    const signer = createNoteSigner(generateSigningKey('quasimodo.example/salvatore').privateKeyPem, 'quasimodo.example/salvatore');
    const cosigned = signer.sign(note.slice(0, note.lastIndexOf('\n\n') + 1));
    expect(openNote(cosigned, [parseVerifierKey(signer.verifierKey)]).text).toBe(note.slice(0, note.lastIndexOf('\n\n') + 1));
  });

  it('round-trips a generated key and refuses names with spaces or pluses', () => {
    const { privateKeyPem, verifierKey } = generateSigningKey('log.example/flowtrail');
    const signer = createNoteSigner(privateKeyPem, 'log.example/flowtrail');
    expect(signer.verifierKey).toBe(verifierKey);
    const verifier = parseVerifierKey(verifierKey);
    expect(openNote(signer.sign('hello\n'), [verifier]).signatures).toHaveLength(1);
    expect(reasonOf(() => openNote(signer.sign('hello\n'), [enoch]))).toBe('unknown key');
    expect(reasonOf(() => generateSigningKey('bad name'))).toBe('malformed key');
    expect(reasonOf(() => generateSigningKey('bad+name'))).toBe('malformed key');
    const rsa = crypto.generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' });
    expect(reasonOf(() => createNoteSigner(rsa.toString(), 'rsa'))).toBe('malformed key');
  });
});
