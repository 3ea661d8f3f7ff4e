import { hostname } from 'node:os';
import { AppError } from '../errors.js';
import { deterministicUuid } from '../gitlab/index.js';
import { keyIdOf, type NoteSigner } from '../integrity/index.js';
import { insertSigningKey, listSigningKeys, lockLog, readLogState, type Pool } from '../store/index.js';
import { appendEvents } from './append-events.js';
import { systemEvent } from './system-event.js';

export interface SigningKeyRecord {
  /** 'first': the log's first key was recorded; 'rotated': a rotation; 'current': already the key in use. */
  outcome: 'first' | 'rotated' | 'current';
  /** The handover checkpoint the retired key signed, when it did: [note, tree size]. */
  notes: [string, number][];
}

/**
 * Records the key this process signs with, under the log lock (so replicas starting together
 * record a rotation once). A key the log has not seen takes over from the key in use: a
 * signing_key_rotated event naming both goes into the log at seq s, and the new key is recorded
 * as signing tree sizes above s. When the retiring key is still at hand (`previous`), it signs a
 * handover checkpoint of size s + 1 over that event, vouching for its successor. A retired key
 * is refused: once replaced (perhaps because it leaked), it never signs again.
 */
export async function recordSigningKey(sql: Pool, signer: NoteSigner, origin: string, previous?: NoteSigner, now?: () => Date): Promise<SigningKeyRecord> {
  return sql.begin(async (tx) => {
    await lockLog(tx);
    const keys = await listSigningKeys(tx);
    const latest = keys[keys.length - 1];
    const keyId = keyIdOf(signer.verifierKey);
    const row = { keyId, verifierKey: signer.verifierKey, publicKey: rawKeyOf(signer.verifierKey) };
    if (latest === undefined) {
      await insertSigningKey(tx, { ...row, firstTreeSize: 0, rotationSeq: null, handover: false });
      return { outcome: 'first', notes: [] };
    }
    if (latest.verifierKey === signer.verifierKey) return { outcome: 'current', notes: [] };
    const retired = keys.find((k) => k.verifierKey === signer.verifierKey);
    if (retired !== undefined) {
      throw new AppError('invalid', `the signing key ${keyId} was retired when key ${keys[keys.indexOf(retired) + 1]!.keyId} took over; a retired key never signs again: configure a new key (docs/security.md#rotating-the-signing-key)`);
    }
    const seq = (await readLogState(tx)).size;
    const handover = previous !== undefined && previous.verifierKey === latest.verifierKey;
    const event = systemEvent('signing_key_rotated', null, (now?.() ?? new Date()).toISOString(), {
      key_id: keyId, verifier_key: signer.verifierKey, previous_key_id: latest.keyId, previous_verifier_key: latest.verifierKey,
      handover, host: hostname(), pid: process.pid,
    }, { eventId: deterministicUuid(`signing_key_rotated:${latest.keyId}:${keyId}`) });
    // The handover checkpoint is the retiring key's last: over the log up to and including the rotation event.
    const r = await appendEvents(tx, [event], { signer: handover ? previous : signer, origin, every: Number.MAX_SAFE_INTEGER, now }, handover);
    await insertSigningKey(tx, { ...row, firstTreeSize: seq + 1, rotationSeq: seq, handover });
    return { outcome: 'rotated', notes: r.notes };
  });
}

/** The 32 bytes of the Ed25519 public key a verifier key carries (`<name>+<hex8>+<base64(0x01 || key)>`). */
function rawKeyOf(verifierKey: string): Buffer {
  const second = verifierKey.indexOf('+', verifierKey.indexOf('+') + 1);
  return Buffer.from(verifierKey.slice(second + 1), 'base64').subarray(1);
}
