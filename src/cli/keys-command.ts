import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { generateSigningKey } from '../integrity/index.js';
import { PREVIOUS_KEY_FILE } from '../load-keys.js';
import { listSigningKeys } from '../store/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const keysUsage = `Usage:
  flowtrail keys list
  flowtrail keys rotate

The checkpoint signing key (Ed25519). \`list\` shows every key that has signed
this log: its key id (as a checkpoint's signature line names it), the first
tree size it may sign, the rotation event that introduced it, whether the key
before it signed a handover checkpoint, and when it was retired.
\`rotate\` replaces the key in FLOWTRAIL_DATA_DIR/signing-key.pem by a new one
and keeps the old one as signing-key.previous.pem until the next start of
flowtrail, which records a signing_key_rotated event, has the old key sign a
handover checkpoint over it (vouching for the new key), and deletes the old
private key. Restart serve after it.
With FLOWTRAIL_SIGNING_KEY set, rotate by setting a new key there (openssl
genpkey -algorithm ed25519) and the old one in FLOWTRAIL_PREVIOUS_SIGNING_KEY
for the first start, then restart; docs/security.md says more.`;

interface KeyLine {
  key_id: string;
  verifier_key: string;
  first_tree_size: number;
  rotation_seq: number | null;
  handover: boolean;
  recorded_at: string;
  retired_at: string | null;
}

export async function keysCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  const { values } = parseCommandArgs(rest, {});
  if (sub === '--help' || sub === '-h' || values.help === true) {
    out(keysUsage);
    return 0;
  }
  if (sub === 'list') {
    const remote = await findRunningService(config);
    const keys = remote !== null
      ? (await remote.json<{ signing_keys: KeyLine[] }>('GET', '/api/v1/integrity')).signing_keys
      : await withLocalDatabase(config, async (ctx) => (await listSigningKeys(ctx.sql)).map((k) => ({
          key_id: k.keyId, verifier_key: k.verifierKey, first_tree_size: k.firstTreeSize, rotation_seq: k.rotationSeq, handover: k.handover,
          recorded_at: k.recordedAt.toISOString(), retired_at: k.retiredAt?.toISOString() ?? null,
        })));
    out(['KEY ID\tFROM TREE SIZE\tROTATION SEQ\tHANDOVER\tRECORDED\tRETIRED\tVERIFIER KEY', ...keys.map((k) =>
      `${k.key_id}\t${k.first_tree_size}\t${k.rotation_seq ?? '-'}\t${k.rotation_seq === null ? '-' : k.handover ? 'yes' : 'no'}\t${k.recorded_at}\t${k.retired_at ?? 'in use'}\t${k.verifier_key}`)].join('\n'));
    return 0;
  }
  if (sub === 'rotate') {
    if (config.integrity.signingKey !== undefined) {
      throw new UsageError('the signing key comes from FLOWTRAIL_SIGNING_KEY: set a new key there (openssl genpkey -algorithm ed25519) and the current one in FLOWTRAIL_PREVIOUS_SIGNING_KEY, then restart');
    }
    const dir = config.db.dataDir;
    const current = join(dir, 'signing-key.pem');
    const previous = join(dir, PREVIOUS_KEY_FILE);
    if (await readFile(previous).then(() => true, () => false)) {
      throw new UsageError(`a rotation is already waiting (${previous} exists): start flowtrail once to record it, then rotate again`);
    }
    if (!(await readFile(current).then(() => true, () => false))) throw new UsageError(`there is no signing key in ${dir} yet: flowtrail makes one at its first start`);
    // The old key keeps its file until the next start has it sign the handover; the new one is written whole before it is used.
    const fresh = generateSigningKey('flowtrail').privateKeyPem;
    await writeFile(`${current}.new`, fresh, { mode: 0o600, flag: 'wx' });
    await rename(current, previous);
    await rename(`${current}.new`, current);
    out(`a new signing key is in ${current}; the retiring key waits in ${previous}.`);
    out('Restart flowtrail serve: its start records the rotation (signing_key_rotated), has the retiring key sign a handover checkpoint over it, and deletes the retiring key. `flowtrail keys list` then shows both keys.');
    return 0;
  }
  throw new UsageError(`unknown keys command "${sub ?? ''}"\n${keysUsage}`);
}
