import { chmod, mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { basename, isAbsolute, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { HookName } from './run-hook.js';
import { runGit } from './run-git.js';

/** Written into every file flowtrail installs: how a reinstall recognises its own. */
export const INSTALL_MARKER = 'installed by `flowtrail hooks install`';
/** Where a hook that was there before flowtrail's is kept, and run first. */
export const CHAINED_SUFFIX = '.pre-flowtrail';
/** The file name inside a custom_hooks `pre-receive.d/` directory. */
export const CUSTOM_HOOK_FILE = 'flowtrail-pre-receive';

export interface InstallOptions {
  /** Which hooks (a repository gets both by default; a custom hooks directory only pre-receive). */
  hooks?: HookName[];
  /** Treat PATH as a custom hooks directory even if it is a repository. */
  customHooks?: boolean;
  /** The node binary the hooks run with (the shebang). */
  nodePath: string;
  /** dist/src/hooks/run-hook.js of this installation. */
  runHookModule: string;
}

export interface InstallReport {
  kind: 'repository' | 'custom_hooks';
  /** One line per thing done, for the person who ran the installer. */
  actions: string[];
}

/**
 * Installs the hooks (docs/hooks.md) into a repository's hooks directory
 * (`git rev-parse --git-path hooks`, so core.hooksPath is respected), or into
 * a Gitaly custom hooks directory: a repository's `custom_hooks/` or the
 * global custom_hooks_dir, as `pre-receive.d/flowtrail-pre-receive`. The
 * files are small JavaScript launchers of the compiled hook, with this
 * node's absolute path. Running it again changes nothing; a foreign hook
 * already in place is kept and chained.
 */
export async function installHooks(path: string, options: InstallOptions): Promise<InstallReport> {
  const target = resolve(path);
  if (!(await stat(options.runHookModule).then((s) => s.isFile(), () => false))) throw new Error(`${options.runHookModule} is missing: build flowtrail first (npm run build)`);
  const repo = options.customHooks === true ? null : await repositoryHooksDir(target);
  if (repo === null) {
    const hooks = options.hooks ?? ['pre-receive'];
    if (hooks.some((h) => h !== 'pre-receive')) throw new Error('a custom hooks directory takes only pre-receive (commit-msg runs where commits are made)');
    const actions: string[] = [];
    if (!(await isDir(target))) {
      if (options.customHooks !== true && basename(target) !== 'custom_hooks') throw new Error(`${target} does not exist (pass --custom-hooks to create a custom hooks directory there)`);
      await mkdir(target, { recursive: true });
      actions.push(`created ${target}`);
    }
    const dir = join(target, 'pre-receive.d');
    if (!(await isDir(dir))) {
      await mkdir(dir, { recursive: true });
      actions.push(`created ${dir}`);
    }
    actions.push(await writeHook(join(dir, CUSTOM_HOOK_FILE), 'pre-receive', undefined, options));
    return { kind: 'custom_hooks', actions };
  }
  const actions: string[] = [];
  if (!(await isDir(repo))) {
    await mkdir(repo, { recursive: true });
    actions.push(`created ${repo}`);
  }
  for (const name of options.hooks ?? ['pre-receive', 'commit-msg']) {
    const file = join(repo, name);
    const chained = file + CHAINED_SUFFIX;
    const current = await readIfExists(file);
    if (current !== null && !current.includes(INSTALL_MARKER)) {
      if ((await readIfExists(chained)) !== null) throw new Error(`${file} is not flowtrail's and ${chained} exists already: move one of them away first`);
      await rename(file, chained);
      actions.push(`kept the existing ${name} hook as ${chained}; it runs first`);
    }
    actions.push(await writeHook(file, name, (await readIfExists(chained)) !== null ? chained : undefined, options));
  }
  return { kind: 'repository', actions };
}

/** The hooks directory when PATH is a repository (its git dir or work tree top), else null. */
async function repositoryHooksDir(path: string): Promise<string | null> {
  if (!(await isDir(path)) || basename(path) === 'custom_hooks') return null;
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== 'GIT_DIR' && k !== 'GIT_WORK_TREE'));
  let out: string;
  try {
    out = await runGit(['rev-parse', '--absolute-git-dir', '--is-bare-repository', '--git-path', 'hooks'], { cwd: path, env });
  } catch {
    return null;
  }
  const [gitDir, bare, hooks] = out.split('\n') as [string, string, string];
  // A custom_hooks directory inside a bare repository resolves to that repository: only its top counts.
  if (resolve(gitDir) !== path) {
    const top = bare === 'true' ? null : await runGit(['rev-parse', '--show-toplevel'], { cwd: path, env }).then((t) => t.trim(), () => null);
    if (top === null || resolve(top) !== path) return null;
  }
  return isAbsolute(hooks) ? hooks : resolve(path, hooks);
}

async function writeHook(file: string, name: HookName, chained: string | undefined, options: InstallOptions): Promise<string> {
  const text = launcher(name, chained, options);
  const before = await readIfExists(file);
  if (before === text) {
    await chmod(file, 0o755);
    return `${file}: already installed, unchanged`;
  }
  await writeFile(file, text, { mode: 0o755 });
  await chmod(file, 0o755);
  return `${file}: ${before === null ? 'installed' : 'updated'} (${name})`;
}

/** Runs as CommonJS or as an ES module alike: only a dynamic import. */
function launcher(name: HookName, chained: string | undefined, options: InstallOptions): string {
  const args = JSON.stringify(name === 'pre-receive' ? ['pre-receive'] : ['commit-msg']);
  const opts = JSON.stringify(chained === undefined ? {} : { chained });
  return `#!${options.nodePath}
// flowtrail ${name} hook, ${INSTALL_MARKER}. Reinstall rather than edit.
import(${JSON.stringify(pathToFileURL(options.runHookModule).href)}).then((m) => m.main([...${args}, ...process.argv.slice(2)], ${opts}));
`;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

async function readIfExists(p: string): Promise<string | null> {
  return readFile(p, 'utf8').catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
}
