import { fileURLToPath } from 'node:url';
import type { Config } from '../config.js';
import { HOOK_NAMES, installHooks, type HookName } from '../hooks/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';

export const hooksUsage = `Usage: flowtrail hooks install PATH [--hook pre-receive|commit-msg]... [--custom-hooks]

Installs flowtrail's git hooks (see docs/hooks.md):
  - PATH a repository (bare or not): pre-receive and commit-msg into its
    hooks directory (core.hooksPath respected); an existing hook is kept as
    <hook>.pre-flowtrail and runs first;
  - PATH a Gitaly custom hooks directory (a repository's custom_hooks/, or the
    global custom_hooks_dir), or any PATH with --custom-hooks:
    pre-receive.d/flowtrail-pre-receive.
The hooks run this installation's compiled JavaScript with this node
(${process.execPath}). Running it again changes nothing.`;

export async function hooksCommand(argv: string[], _config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(hooksUsage);
    return 0;
  }
  if (sub !== 'install') throw new UsageError(`${sub === undefined ? 'a hooks command is required' : `unknown hooks command "${sub}"`}\n${hooksUsage}`);
  const { values, positionals } = parseCommandArgs(rest, { hook: { type: 'string', multiple: true }, 'custom-hooks': { type: 'boolean' } }, 1);
  if (values.help === true) {
    out(hooksUsage);
    return 0;
  }
  const path = positionals[0];
  if (path === undefined) throw new UsageError(`PATH is required\n${hooksUsage}`);
  const hooks = values.hook?.map((h) => {
    if (!(HOOK_NAMES as readonly string[]).includes(h)) throw new UsageError(`unknown hook "${h}" (pre-receive or commit-msg)`);
    return h as HookName;
  });
  let report;
  try {
    report = await installHooks(path, {
      hooks,
      customHooks: values['custom-hooks'],
      nodePath: process.execPath,
      runHookModule: fileURLToPath(new URL('../hooks/run-hook.js', import.meta.url)),
    });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  out(`flowtrail hooks install: ${path} is ${report.kind === 'repository' ? 'a repository' : 'a custom hooks directory'}`);
  for (const a of report.actions) out(`  ${a}`);
  return 0;
}
