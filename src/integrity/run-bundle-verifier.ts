// The standalone bundle verifier's command line: `node verify-bundle.mjs FILE [--key VERIFIER_KEY ...]`.
// verify-bundle.mjs is this module and what it imports, bundled into one file by
// scripts/build-verifier.ts; it needs nothing but Node's standard library.
import { parseArgs } from 'node:util';
import { bundleShapeProblem, checkBundleFile } from './check-bundle-file.js';
import { parseVerifierKey, type NoteVerifier } from './signed-note.js';

export const bundleVerifierUsage = `Usage: node verify-bundle.mjs BUNDLE_FILE [--key VERIFIER_KEY ...]

Checks a flowtrail bundle (flowtrail export --bundle) with nothing but Node.js:
the signed checkpoint's Ed25519 signature and origin, each event's leaf
(canonical JSON, RFC 8785) and its RFC 6962 inclusion proof against the
checkpoint's root, the consistency proof when there is one, and each text
against the salted commitment its leaf holds.
--key names the verifier key(s) to trust (as GET /api/v1/integrity shows them).
Without it the key the bundle carries is used, which only shows the bundle is
intact: compare that key with the one you recorded. When the log's key was
rotated, the bundle's key history (each rotation event, proven, with the
retiring key's handover checkpoint) leads from an older trusted key to the
key that signed the bundle; lines "key ..." say which keys it trusts.
Exit status: 0 valid, 1 something does not verify (named on standard output),
2 usage error (no file, unreadable file, not a bundle, bad key).`;

export interface VerifierIo {
  readFile(path: string): string;
  out(line: string): void;
  err(line: string): void;
}

export function runBundleVerifier(argv: readonly string[], io: VerifierIo): number {
  let file: string;
  let keys: string[];
  try {
    const { values, positionals } = parseArgs({ args: [...argv], options: { key: { type: 'string', multiple: true }, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (values.help === true) {
      io.out(bundleVerifierUsage);
      return 0;
    }
    if (positionals.length !== 1) throw new Error(positionals.length === 0 ? 'name the bundle file' : `one bundle file at a time, got ${positionals.length}`);
    file = positionals[0]!;
    keys = values.key ?? [];
  } catch (error) {
    return usage(io, error instanceof Error ? error.message : String(error));
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(io.readFile(file));
  } catch (error) {
    return usage(io, `cannot read ${file} as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const shape = bundleShapeProblem(parsed);
  if (shape !== undefined) return usage(io, `${file} is not a flowtrail bundle: it ${shape}`);
  const bundle = parsed as Record<string, unknown>;
  const carried = typeof bundle.verifier_key === 'string' ? bundle.verifier_key : undefined;
  if (keys.length === 0 && carried === undefined) return usage(io, 'the bundle carries no verifier key: pass --key VERIFIER_KEY');
  const verifiers: NoteVerifier[] = [];
  for (const k of keys.length > 0 ? keys : [carried!]) {
    try {
      verifiers.push(parseVerifierKey(k));
    } catch {
      return usage(io, `${keys.length > 0 ? '--key' : 'the bundle\'s verifier_key'} "${k.slice(0, 60)}" is not a verifier key (name+hash+key)`);
    }
  }
  if (keys.length === 0) io.out(`no --key given: checking against the verifier key the bundle carries, ${carried}; compare it with the key you recorded`);
  const check = checkBundleFile(bundle, verifiers);
  for (const line of check.lines) io.out(line);
  if (check.ok && check.texts > 0) io.out(`${check.texts} events' texts match their commitments`);
  return check.ok ? 0 : 1;
}

function usage(io: VerifierIo, message: string): number {
  io.err(`verify-bundle: ${message}\n\n${bundleVerifierUsage}`);
  return 2;
}
