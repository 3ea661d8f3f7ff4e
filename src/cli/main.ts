import { ConfigError, loadConfig, type Config } from '../config.js';
import { isAppError } from '../errors.js';
import { alertsCommand } from './alerts-command.js';
import { UsageError } from './cli-error.js';
import { eraseCommand } from './erase-command.js';
import { exportCommand } from './export-command.js';
import { holdsCommand } from './holds-command.js';
import { hooksCommand } from './hooks-command.js';
import { jobsCommand } from './jobs-command.js';
import { keysCommand } from './keys-command.js';
import { migrateCommand } from './migrate-command.js';
import { reportCommand } from './report-command.js';
import { retentionCommand } from './retention-command.js';
import { serveCommand } from './serve-command.js';
import { streamingCommand } from './streaming-command.js';
import { tokenCommand } from './token-command.js';
import { verifyCommand } from './verify-command.js';
import { verifyRepoCommand } from './verify-repo-command.js';
import { runHook } from '../hooks/index.js';

const usage = `flowtrail: a tamper-evident audit trail for GitLab Duo Agent Platform sessions

Usage: flowtrail <command> [options]

Commands:
  serve [--demo]            run the service (embedded database unless FLOWTRAIL_DATABASE_URL is set)
  migrate                   apply database migrations
  token create|list|revoke  manage API tokens
  verify [--bundle FILE]    check the Merkle log, checkpoints and signatures;
         [--against DIR]    or the log against a witness's checkpoint copies (fork detection)
  export [--format F]       export audit events (ndjson, the default, csv, cef, ocsf), or a verifiable bundle
  report --framework F      an evidence pack for a period (--from, --to; --format html, pdf or oscal)
  retention run             purge sessions older than FLOWTRAIL_RETENTION_DAYS
  erase --session-id|--user erase the free texts of a session or a person's sessions (GDPR)
  holds place|list|release  legal holds: keep a session, a person's or a project's sessions from retention and erasure
  jobs list|retry           the worker's queue: list dead letters and their reasons, retry them (--id N | --all-dead)
  keys list|rotate          the checkpoint signing keys: list every key that signed the log, rotate the key
  streaming add|list|remove SIEM streaming destinations (HTTP, Splunk HEC, syslog over TCP or TLS)
  alerts test-webhook       post a sample alert to FLOWTRAIL_ALERT_WEBHOOK_URL, signed, and say what it answered
  hook pre-receive          the server-side hook: refuse agent commits without a valid session trailer
  hook commit-msg FILE      the commit hook: add the session trailer (FLOWTRAIL_SESSION_ID or DUO_WORKFLOW_WORKFLOW_ID)
  hooks install PATH        install the hooks into a repository or a Gitaly custom hooks directory
  verify-repo PATH          report untraced agent commits and unknown session references in a repository

Run \`flowtrail <command> --help\` for a command's options.
Exit status: 0 ok, 1 check failed, 2 usage or configuration error.`;

type Command = (argv: string[], config: Config, out: (s: string) => void, err: (s: string) => void) => Promise<number>;
const commands: Record<string, Command> = {
  serve: serveCommand,
  migrate: migrateCommand,
  token: tokenCommand,
  verify: verifyCommand,
  export: exportCommand,
  report: reportCommand,
  retention: retentionCommand,
  erase: eraseCommand,
  holds: holdsCommand,
  jobs: jobsCommand,
  keys: keysCommand,
  streaming: streamingCommand,
  alerts: alertsCommand,
  hook: (argv) => runHook(argv),
  hooks: hooksCommand,
  'verify-repo': verifyRepoCommand,
};

/** Runs one CLI invocation and returns its exit code; never calls process.exit itself. */
export async function runCli(argv: string[], env: Record<string, string | undefined>, out = (s: string) => console.log(s), err = (s: string) => console.error(s)): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined) {
    err(usage);
    return 2;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    out(usage);
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    err(`flowtrail: unknown command "${name}"\n\n${usage}`);
    return 2;
  }
  try {
    const wantsHelp = rest.includes('--help') || rest.includes('-h');
    const config = wantsHelp ? loadConfig({}) : loadConfig(env);
    return await command(rest, config, out, err);
  } catch (e) {
    if (e instanceof ConfigError) {
      err(`flowtrail: ${e.message}`);
      return 2;
    }
    // A refusal of what was asked (a bad role, say), whether the CLI opened the
    // database itself or went through the running service, is a usage error too.
    if (e instanceof UsageError || (isAppError(e) && e.code === 'invalid')) {
      err(`flowtrail ${name}: ${e.message}${e.message.includes('Usage:') ? '' : `\nRun \`flowtrail ${name} --help\` for its usage.`}`);
      return 2;
    }
    err(`flowtrail ${name}: ${isAppError(e) || e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
