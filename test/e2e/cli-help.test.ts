import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FLOWTRAIL_BIN } from '../support/git.js';

// The built CLI (npm run build) as a user runs it: its own process, its own
// exit status. Standard input is a pipe nobody writes to or closes, so a
// command that waited for it (pre-receive reads ref updates there) would be
// killed by the timeout and fail here.
const dataDir = mkdtempSync(join(tmpdir(), 'flowtrail-cli-help-'));
const run = (argv: readonly string[], extraEnv: Record<string, string> = {}) =>
  new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [FLOWTRAIL_BIN, ...argv], {
      env: { PATH: process.env.PATH, FLOWTRAIL_DATA_DIR: dataDir, ...extraEnv },
      stdio: ['pipe', 'pipe', 'pipe'],
      timeout: 15_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
// A broken setting must not stop --help.
const help = (...argv: string[]) => run(argv, { FLOWTRAIL_RETENTION_DAYS: 'forever' });
const flowtrail = (...argv: string[]) => run(argv);

const COMMANDS = [
  [], ['serve'], ['migrate'], ['verify'], ['export'], ['token'], ['token', 'create'], ['token', 'list'], ['token', 'revoke'],
  ['retention'], ['retention', 'run'], ['erase'], ['hooks'], ['hooks', 'install'], ['hook'], ['hook', 'pre-receive'],
  ['hook', 'commit-msg'], ['verify-repo'], ['jobs'], ['jobs', 'list'], ['jobs', 'retry'],
  ['holds'], ['holds', 'place'], ['holds', 'list'], ['holds', 'release'], ['retention', 'show'], ['retention', 'set'], ['retention', 'unset'],
];

describe('flowtrail <command> --help', () => {
  it.each(COMMANDS.flatMap((c) => [[...c, '--help'], [...c, '-h']]))('flowtrail %s prints its usage on standard output and exits 0', { timeout: 20_000 }, async (...argv: string[]) => {
    const r = await help(...argv);
    expect(r.signal, 'it waited (for standard input?)').toBeNull();
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage:/m);
    expect(r.stderr).toBe('');
  });
});

describe('usage errors', () => {
  it.each([
    [['frobnicate'], /unknown command "frobnicate"/],
    [[], /^Usage: flowtrail <command>/m],
    [['token'], /a token command is required/],
    [['token', 'create'], /--role is required/],
    [['token', 'mint'], /unknown token command "mint"/],
    [['jobs'], /a jobs command is required/],
    [['jobs', 'retry'], /give either --id N or --all-dead/],
    [['jobs', 'list', '--limit', 'lots'], /--limit is a whole number/],
    [['export', '--format', 'xml'], /--format must be one of ndjson, csv, cef, ocsf/],
    [['export', '--bundle', '--format', 'csv'], /--bundle writes a JSON bundle; leave out --format/],
    [['export', '--from', 'yesterday-ish'], /--from must be a date/],
    [['verify', '--bogus'], /Unknown option '--bogus'[^]*Run `flowtrail verify --help` for its usage/],
    [['erase'], /--session-id or --user is required/],
    [['hooks', 'install'], /PATH is required/],
    [['hook'], /which hook\?/],
    [['hook', 'pre-receive', 'extra'], /unknown hook or arguments "pre-receive extra"/],
    [['verify-repo'], /PATH is required/],
    [['holds'], /a holds command is required/],
    [['holds', 'place', '--user', 'mchen'], /--reason: a hold needs a reason/],
    [['holds', 'place', '--user', 'mchen', '--project', 'a/b', '--reason', 'r'], /exactly one of --session, --user or --project/],
    [['holds', 'place', '--project', 'nogroup', '--reason', 'r'], /--project: is not a project path/],
    [['holds', 'release'], /the id of the hold to release is required/],
    [['holds', 'release', 'seven'], /not "seven"/],
    [['retention', 'set', '--project', 'a/b'], /--days N/],
    [['retention', 'unset'], /exactly one of --project or --flow-type/],
  ] as const)('flowtrail %s exits 2 and says what was wrong on standard error', { timeout: 20_000 }, async (argv, message) => {
    const r = await flowtrail(...argv);
    expect(r.code, r.stdout + r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });
});
