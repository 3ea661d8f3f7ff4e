import { readFile } from 'node:fs/promises';
import type { Config } from '../config.js';
import { createDestination, deriveSecretsKey, destinationView, listDestinations, removeDestination, streamLag, type DestinationView } from '../stream/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';
import { withLocalDatabase } from './local-context.js';
import { findRunningService } from './service-client.js';

export const streamingUsage = `Usage:
  flowtrail streaming add --name NAME --type http|splunk_hec|syslog --url URL [--token T | --token env:NAME]
                          [--format gitlab|ocsf|cef|ndjson] [--type-filter TYPE]... [--project P]...
                          [--tls-ca FILE] [--start beginning|now] [--inactive]
  flowtrail streaming list
  flowtrail streaming remove ID

Streaming destinations receive the log as it grows, each from its own
durable cursor (at least once, in order): http posts GitLab's audit streaming
JSON with X-Flowtrail-Event-Streaming-Token and Idempotency-Key; splunk_hec
posts batches to /services/collector/event; syslog writes RFC 5424 with CEF
over TCP (syslog://host:514) or TLS (syslog+tls://host:6514). The token is
stored sealed (or read from the service's environment with env:NAME) and never
shown again. Every change is recorded in the audit log. docs/siem.md has
recipes for Splunk, Elastic, Sentinel, QRadar and Datadog.`;

type Listed = DestinationView & { lag_events?: number; lag_seconds?: number };

export async function streamingCommand(argv: string[], config: Config, out: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(streamingUsage);
    return 0;
  }
  if (sub === undefined) throw new UsageError(`a streaming command is required\n${streamingUsage}`);
  const remote = await findRunningService(config);
  const local = <T>(fn: (sql: Parameters<Parameters<typeof withLocalDatabase>[1]>[0]) => Promise<T>) => withLocalDatabase(config, fn);
  if (sub === 'add') {
    const { values } = parseCommandArgs(rest, {
      name: { type: 'string' }, type: { type: 'string' }, url: { type: 'string' }, token: { type: 'string' }, format: { type: 'string' },
      'type-filter': { type: 'string', multiple: true }, project: { type: 'string', multiple: true }, 'tls-ca': { type: 'string' },
      start: { type: 'string' }, inactive: { type: 'boolean' },
    });
    if (values.help === true) {
      out(streamingUsage);
      return 0;
    }
    const missing = (['name', 'type', 'url'] as const).filter((k) => values[k] === undefined);
    if (missing.length > 0) throw new UsageError(`${missing.map((k) => `--${k}`).join(', ')} ${missing.length === 1 ? 'is' : 'are'} required`);
    const body = {
      name: values.name, type: values.type, url: values.url, token: values.token, format: values.format, start: values.start,
      ...(values['type-filter'] !== undefined || values.project !== undefined ? { filters: { types: values['type-filter'] ?? [], projects: values.project ?? [] } } : {}),
      ...(values['tls-ca'] !== undefined ? { tls_ca: await readFile(values['tls-ca'], 'utf8') } : {}),
      ...(values.inactive === true ? { active: false } : {}),
    };
    const created = remote !== null
      ? await remote.json<DestinationView>('POST', '/api/v1/streaming-destinations', body)
      : await local(async (ctx) => destinationView(await createDestination(ctx.sql, deriveSecretsKey(config.streaming.secretsKey, ctx.keys.sanitizerKey), body, { id: 'cli' })));
    out(`id: ${created.id}\nname: ${created.name}\ntype: ${created.type}\nurl: ${created.url}\nformat: ${created.format}\ntoken: ${created.token_set ? (created.token_env !== null ? `from $${created.token_env}` : 'set (sealed)') : 'none'}`);
    return 0;
  }
  if (sub === 'list') {
    const { values } = parseCommandArgs(rest, {});
    if (values.help === true) {
      out(streamingUsage);
      return 0;
    }
    const rows: Listed[] = remote !== null
      ? (await remote.json<{ destinations: Listed[] }>('GET', '/api/v1/streaming-destinations')).destinations
      : await local(async (ctx) => {
          const lag = new Map((await streamLag(ctx.sql)).map((l) => [l.destination.id, l]));
          return (await listDestinations(ctx.sql)).map((d) => ({ ...destinationView(d), lag_events: lag.get(d.id)?.events, lag_seconds: lag.get(d.id)?.seconds }));
        });
    out(['ID\tNAME\tTYPE\tSTATE\tLAG (EVENTS)\tLAG (S)\tURL\tREASON', ...rows.map((d) =>
      `${d.id}\t${d.name}\t${d.type}\t${d.state}\t${d.lag_events ?? '-'}\t${d.lag_seconds === undefined ? '-' : Math.round(d.lag_seconds)}\t${d.url}\t${d.paused_reason ?? d.last_error ?? '-'}`)].join('\n'));
    return 0;
  }
  if (sub === 'remove') {
    const { values, positionals } = parseCommandArgs(rest, {}, 1);
    if (values.help === true) {
      out(streamingUsage);
      return 0;
    }
    const id = positionals[0];
    if (id === undefined) throw new UsageError('the destination id to remove is required (flowtrail streaming list shows them)');
    if (remote !== null) await remote.json('DELETE', `/api/v1/streaming-destinations/${encodeURIComponent(id)}`);
    else await local((ctx) => removeDestination(ctx.sql, id, { id: 'cli' }));
    out(`removed ${id}`);
    return 0;
  }
  throw new UsageError(`unknown streaming command "${sub}"\n${streamingUsage}`);
}
