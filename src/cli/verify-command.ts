import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { checkWitnessCopy, verifyDatabase, type DatabaseVerification, type WitnessCopyCheck } from '../audit/index.js';
import { readWitnessCopies } from './read-witness-copies.js';
import { count, createProgress } from './progress.js';
import { bundleShapeProblem, checkBundleFile, createNoteSigner, describeKeyUse, parseVerifierKey, type NoteVerifier } from '../integrity/index.js';
import { existingSigningKey } from '../load-keys.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const verifyUsage = `Usage: flowtrail verify [--deep] [--key VERIFIER_KEY ...] [--bundle FILE] [--against DIR|git:REPO]

Recomputes every leaf and root of the Merkle log, checks each signed
checkpoint (signature, origin, root) and that the log has no gap, checks every
indexed column against its leaf and every stored text against the commitment
its leaf holds, and that texts and leaves are missing only where a recorded
erasure or retention purge removed them; prints a status per checkpoint.
--deep also requires every leaf to be canonical JSON byte for byte (slower).
With --bundle, checks an exported bundle offline against a signed checkpoint.
With --against, checks the log against a witness's copy of its checkpoints
(a directory of <tree size>.checkpoint files, or git:PATH_OR_URL of a git
witness, cloned for the check): each must be signed by a trusted key and
consistent with the log (the same root at its size, and a consistency proof to
the latest checkpoint); a fork or rollback is reported with the tree sizes
where log and witness diverge.
--key names the verifier key(s) to trust (as GET /api/v1/integrity shows them);
without it, this installation's own signing key is trusted. Keys of a rotated
log are trusted through its key history (signing_key_rotated events): a key
whose predecessor signed a handover checkpoint over its rotation, or the key a
trusted successor names as the one it retired. Each checkpoint must be signed
by a trusted key within that key's period; the lines "key ..." say which key
signed which tree sizes.
On a terminal, one line on stderr shows the progress (verified N of M events); piped or redirected, nothing.
Exit status: 0 all valid, 1 anything invalid, 2 usage or configuration error.`;

export async function verifyCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values } = parseCommandArgs(argv, { bundle: { type: 'string' }, against: { type: 'string' }, key: { type: 'string', multiple: true }, deep: { type: 'boolean' } });
  if (values.help === true) {
    out(verifyUsage);
    return 0;
  }
  const keys = values.key ?? [];
  const trusted = (vkeys: string[]) => vkeys.map((k) => {
    try {
      return parseVerifierKey(k);
    } catch {
      throw new UsageError(`--key "${k.slice(0, 40)}" is not a verifier key (name+hash+key)`);
    }
  });
  if (values.bundle !== undefined) return verifyBundleFile(values.bundle, keys.length > 0 ? trusted(keys) : null, config, out);
  trusted(keys);
  const remote = await findRunningService(config);
  if (values.against !== undefined) {
    const copies = await readWitnessCopies(values.against);
    const check: WitnessCopyCheck = remote !== null
      ? await remote.json<WitnessCopyCheck>('POST', '/api/v1/integrity/verify-against', { checkpoints: copies, ...(keys.length > 0 ? { keys } : {}) })
      : await withLocalDatabase(config, async (ctx) => {
          await ctx.integrator.integrate();
          return checkWitnessCopy(ctx.sql, keys.length > 0 ? trusted(keys) : [parseVerifierKey(ctx.verifierKey)], ctx.origin, copies);
        });
    for (const c of check.checkpoints) out(`witnessed checkpoint ${c.treeSize ?? '?'} (${c.file}): ${c.status}`);
    for (const p of check.problems) out(p.startsWith('FORK') || p.startsWith('ROLLBACK') ? p : `INVALID: ${p}`);
    out(`${check.checkpoints.length} witnessed checkpoints against a log of ${check.logSize} events (latest checkpoint ${check.latest ?? 'none'}): ${check.ok ? 'consistent' : 'INVALID'}`);
    return check.ok ? 0 : 1;
  }
  // On a terminal, one line on stderr says how far it is; piped, nothing.
  const progress = createProgress((done, total, s) => remote !== null
    ? `verifying through the service at ${remote.url} (${s} s)`
    : total === undefined ? `reading the log (${s} s)` : `verified ${count(done)} of ${count(total)} events (${s} s)`);
  let result: DatabaseVerification;
  try {
    result = remote !== null
      ? await remote.json<DatabaseVerification>('POST', `/api/v1/integrity/verify${values.deep === true ? '?deep=true' : ''}`, keys.length > 0 ? { keys } : undefined)
      : await withLocalDatabase(config, async (ctx) => {
          await ctx.integrator.integrate();
          const verifiers = keys.length > 0 ? trusted(keys) : [parseVerifierKey(ctx.verifierKey)];
          return verifyDatabase(ctx.sql, verifiers, ctx.origin, { deep: values.deep === true, onProgress: (done, total) => progress.update(done, total) });
        });
  } finally {
    progress.end();
  }
  for (const k of result.keys) out(`verifier key: ${k}`);
  for (const k of result.signingKeys) out(describeKeyUse(k));
  for (const c of result.checkpoints) out(`checkpoint ${c.treeSize}: ${c.status}`);
  for (const p of result.problems) out(`INVALID: ${p}`);
  out(`${result.events} events (${result.purged} purged by retention), ${result.texts} texts, ${result.checkpoints.length} checkpoints: ${result.ok ? 'valid' : 'INVALID'}`);
  return result.ok ? 0 : 1;
}

async function verifyBundleFile(file: string, given: NoteVerifier[] | null, config: Config, out: (s: string) => void): Promise<number> {
  let bundle: unknown;
  try {
    bundle = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UsageError(`cannot read bundle ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  const shape = bundleShapeProblem(bundle);
  if (shape !== undefined) throw new UsageError(`${file} is not a flowtrail bundle: it ${shape}`);
  const parsed = bundle as Record<string, unknown>;
  let verifiers = given;
  if (verifiers === null) {
    const pem = await existingSigningKey(config);
    if (pem === null) throw new UsageError('this installation has no signing key to check against: pass --key VERIFIER_KEY (GET /api/v1/integrity shows it)');
    verifiers = [parseVerifierKey(createNoteSigner(pem, parsed.origin as string).verifierKey)];
  }
  // The same check, line for line, as the standalone verify-bundle.mjs that export writes beside a bundle.
  const result = checkBundleFile(parsed, verifiers);
  for (const line of result.lines) out(line);
  return result.ok ? 0 : 1;
}
