import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { commitMsg } from './commit-msg.js';
import { preReceive, type HookIo } from './pre-receive.js';

export const HOOK_NAMES = ['pre-receive', 'commit-msg'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

const HOOK_USAGE = `Usage: flowtrail hook pre-receive     (reads "<old> <new> <ref>" lines on standard input)
       flowtrail hook commit-msg FILE`;

const USAGE: Record<HookName, string> = {
  'pre-receive': `Usage: flowtrail hook pre-receive

The server-side hook git runs on a push: reads "<old> <new> <ref>" lines on
standard input and refuses (exit 1) agent commits without a valid session
trailer, asking the service at FLOWTRAIL_URL with FLOWTRAIL_TOKEN (docs/hooks.md).`,
  'commit-msg': `Usage: flowtrail hook commit-msg FILE

The commit hook: adds "X-GitLab-Duo-Session: <id>" to the message in FILE for
the session in FLOWTRAIL_SESSION_ID, else DUO_WORKFLOW_WORKFLOW_ID (docs/hooks.md).`,
};

const isHelp = (a: string) => a === '--help' || a === '-h';

/**
 * The hooks' entry point, loaded by `flowtrail hook ...` and by the files
 * `flowtrail hooks install` writes. It imports only the hooks' own modules,
 * so that a hook starts about as fast as node itself. A hook that was
 * installed before flowtrail's runs first (`chained`); if it refuses, that
 * stands.
 */
export async function runHook(argv: string[], options: { chained?: string } = {}): Promise<number> {
  const [name, ...args] = argv;
  const io: HookIo = { env: process.env, cwd: process.cwd(), print: (line) => process.stderr.write(`${line}\n`) };
  // Before anything else: pre-receive would otherwise wait for its ref updates on standard input.
  if (name !== undefined && (isHelp(name) || ((HOOK_NAMES as readonly string[]).includes(name) && args.some(isHelp)))) {
    process.stdout.write(`${isHelp(name) ? HOOK_USAGE : USAGE[name as HookName]}\n`);
    return 0;
  }
  if (name === 'pre-receive' && args.length === 0) {
    const stdin = await readStdin();
    const chained = runChained(options.chained, args, stdin);
    return chained !== 0 ? chained : preReceive(stdin, io);
  }
  if (name === 'commit-msg' && args.length === 1) {
    const chained = runChained(options.chained, args, undefined);
    return chained !== 0 ? chained : commitMsg(args[0]!, io);
  }
  io.print(`flowtrail hook: ${name === undefined ? 'which hook?' : `unknown hook or arguments "${argv.join(' ')}"`}\n${HOOK_USAGE}`);
  return 2;
}

function runChained(path: string | undefined, args: string[], input: string | undefined): number {
  if (path === undefined || !existsSync(path)) return 0;
  const r = spawnSync(path, args, { input, stdio: [input === undefined ? 'inherit' : 'pipe', 'inherit', 'inherit'] });
  if (r.error !== undefined) {
    process.stderr.write(`flowtrail: the chained hook ${path} could not run: ${r.error.message}\n`);
    return 1;
  }
  return r.status ?? 1;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** For the installed wrappers: run and set the exit code. */
export function main(argv: string[], options: { chained?: string } = {}): void {
  runHook(argv, options).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      const prefix = argv[0] === 'pre-receive' ? 'GL-HOOK-ERR: ' : '';
      process.stderr.write(`${prefix}flowtrail hook failed: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exitCode = 1;
    },
  );
}
