import { ConfigError, loadConfig, type Config } from '../config.js';
import { isAppError } from '../errors.js';
import { UsageError } from './cli-error.js';

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

/**
 * A command whose module is loaded only when it runs: the git hooks run the
 * CLI on every push and commit, and should not load the service (the web
 * pages, GraphQL, the sanitizer's language models) to do it.
 */
function lazy<K extends string>(load: () => Promise<Record<K, Command>>, name: K): Command {
  return async (...args) => (await load())[name](...args);
}
const commands: Record<string, Command> = {
  serve: lazy(() => import('./serve-command.js'), 'serveCommand'),
  migrate: lazy(() => import('./migrate-command.js'), 'migrateCommand'),
  token: lazy(() => import('./token-command.js'), 'tokenCommand'),
  verify: lazy(() => import('./verify-command.js'), 'verifyCommand'),
  export: lazy(() => import('./export-command.js'), 'exportCommand'),
  report: lazy(() => import('./report-command.js'), 'reportCommand'),
  retention: lazy(() => import('./retention-command.js'), 'retentionCommand'),
  erase: lazy(() => import('./erase-command.js'), 'eraseCommand'),
  holds: lazy(() => import('./holds-command.js'), 'holdsCommand'),
  jobs: lazy(() => import('./jobs-command.js'), 'jobsCommand'),
  keys: lazy(() => import('./keys-command.js'), 'keysCommand'),
  streaming: lazy(() => import('./streaming-command.js'), 'streamingCommand'),
  alerts: lazy(() => import('./alerts-command.js'), 'alertsCommand'),
  hook: async (argv) => (await import('../hooks/index.js')).runHook(argv),
  hooks: lazy(() => import('./hooks-command.js'), 'hooksCommand'),
  'verify-repo': lazy(() => import('./verify-repo-command.js'), 'verifyRepoCommand'),
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
