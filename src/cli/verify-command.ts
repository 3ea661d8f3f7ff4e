import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { verifyDatabase, type DatabaseVerification, type BundleFile } from '../audit/index.js';
import { commitText, commitmentOf, parseVerifierKey, verifyBundle } from '../integrity/index.js';
import { loadKeys } from '../load-keys.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const verifyUsage = `Usage: flowtrail verify [--deep] [--bundle FILE] [--key VERIFIER_KEY]

Recomputes every leaf and root of the Merkle log, checks each signed
checkpoint (signature, origin, root) and that the log has no gap, and prints a
status per checkpoint. --deep also checks the indexed columns and every stored
text against the leaf and commitment they belong to. With --bundle, checks an
exported bundle offline against a signed checkpoint (--key: the verifier key
to trust; default: this installation's).
Exit status: 0 all valid, 1 anything invalid, 2 usage or configuration error.`;

export async function verifyCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const { values } = parseCommandArgs(argv, { bundle: { type: 'string' }, key: { type: 'string' }, deep: { type: 'boolean' } });
  if (values.help === true) {
    out(verifyUsage);
    return 0;
  }
  if (values.bundle !== undefined) return verifyBundleFile(values.bundle, values.key ?? (await loadKeys(config)).signer.verifierKey, out);
  if (values.key !== undefined) throw new UsageError('--key goes with --bundle');
  const remote = await findRunningService(config);
  const result: DatabaseVerification = remote !== null
    ? await remote.json<DatabaseVerification>('POST', `/api/v1/integrity/verify${values.deep === true ? '?deep=true' : ''}`)
    : await withLocalDatabase(config, async (ctx) => {
        await ctx.integrator.integrate();
        return verifyDatabase(ctx.sql, [parseVerifierKey(ctx.keys.signer.verifierKey)], config.integrity.origin, { deep: values.deep === true });
      });
  for (const c of result.checkpoints) out(`checkpoint ${c.treeSize}: ${c.status}`);
  for (const p of result.problems) out(`INVALID: ${p}`);
  const texts = values.deep === true ? `, ${result.texts} texts` : '';
  out(`${result.events} events (${result.purged} purged by retention)${texts}, ${result.checkpoints.length} checkpoints: ${result.ok ? 'valid' : 'INVALID'}`);
  return result.ok ? 0 : 1;
}

async function verifyBundleFile(file: string, key: string, out: (s: string) => void): Promise<number> {
  let bundle: BundleFile;
  try {
    bundle = JSON.parse(await readFile(file, 'utf8')) as BundleFile;
  } catch (err) {
    throw new UsageError(`cannot read bundle ${file}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (bundle === null || typeof bundle !== 'object' || !Array.isArray(bundle.events)) throw new UsageError(`${file} is not a flowtrail bundle`);
  const result = verifyBundle(bundle, [parseVerifierKey(key)]);
  out(`checkpoint ${result.treeSize ?? '?'}: ${result.checkpoint}`);
  for (const e of result.events) if (e.status !== 'valid') out(`event ${e.seq}: ${e.status}`);
  let textProblems = 0;
  for (const t of bundle.texts ?? []) {
    const ev = bundle.events.find((e) => e.seq === t.seq);
    const leaf = ev === undefined ? undefined : (JSON.parse(ev.leaf) as { data?: Record<string, unknown> });
    for (const [field, value] of Object.entries(t.value)) {
      const commitment = commitmentOf(leaf?.data?.[field]);
      if (commitment === null || commitText(field, value, Buffer.from(t.salt, 'base64')) !== commitment) {
        textProblems++;
        out(`event ${t.seq}: INVALID: text "${field}" does not match its commitment`);
      }
    }
  }
  for (const p of result.problems) out(`INVALID: ${p}`);
  const ok = result.ok && textProblems === 0;
  out(`${result.events.length} events in bundle: ${ok ? 'valid' : 'INVALID'}`);
  return ok ? 0 : 1;
}
