import { randomBytes, randomUUID } from 'node:crypto';
import { AppError } from '../errors.js';
import { isEventName, type EventName } from '../events.js';
import {
  deleteDestination, getDestination, insertDestination, listDestinations, logSize, recordEvents, updateDestination,
  type DestinationFields, type DestinationFormat, type DestinationRow, type Pool, type Sql,
} from '../store/index.js';
import { destinationCreateSchema, destinationUpdateSchema, describeIssues, type DestinationCreate } from './destination-schema.js';
import { sealSecret } from './seal-secret.js';

export interface Actor {
  id: string;
  username?: string | null;
}

const ENV_TOKEN = /^env:([A-Za-z_][A-Za-z0-9_]{0,127})$/;
const DEFAULT_FORMAT: Record<DestinationRow['type'], DestinationFormat> = { http: 'gitlab', splunk_hec: 'ndjson', syslog: 'cef' };
const SCHEMES: Record<DestinationRow['type'], string[]> = { http: ['http:', 'https:'], splunk_hec: ['http:', 'https:'], syslog: ['syslog:', 'syslog+tls:'] };

/** The URL with its query values masked and without credentials: what the API, pages and audit events show. */
export function displayUrl(url: string): string {
  const u = new URL(url);
  for (const key of [...u.searchParams.keys()]) u.searchParams.set(key, '***');
  return u.toString().replace(/%2A%2A%2A/g, '***');
}

/** A destination as the API shows it: never its token, only whether it has one and where it comes from. */
export function destinationView(d: DestinationRow) {
  return {
    id: d.id, name: d.name, type: d.type, url: displayUrl(d.url), format: d.format,
    filters: { types: d.filterTypes, projects: d.filterProjects }, active: d.active,
    token_set: d.tokenSealed !== null || d.tokenEnv !== null, token_env: d.tokenEnv, tls_ca_set: d.tlsCa !== null,
    state: d.pausedAt !== null ? 'paused' : !d.active ? 'inactive' : d.failingSince !== null ? 'failing' : 'delivering',
    paused_reason: d.pausedReason, paused_at: d.pausedAt?.toISOString() ?? null,
    cursor_seq: d.cursorSeq, delivered_total: d.deliveredTotal, delivered_at: d.deliveredAt?.toISOString() ?? null,
    failures_total: d.failuresTotal, failing_since: d.failingSince?.toISOString() ?? null, last_error: d.lastError,
    created_at: d.createdAt.toISOString(), created_by: d.createdBy, updated_at: d.updatedAt.toISOString(),
  };
}
export type DestinationView = ReturnType<typeof destinationView>;

/** Checks the merged settings as a whole: URL scheme for the type, token rules, known event types. */
function checkFields(f: Omit<DestinationFields, 'tokenSealed' | 'tokenEnv'> & { token: string | null }): string[] {
  const problems: string[] = [];
  let url: URL | undefined;
  try {
    url = new URL(f.url);
  } catch {
    problems.push(`url: "${f.url.slice(0, 80)}" is not a URL`);
  }
  if (url !== undefined) {
    if (!SCHEMES[f.type].includes(url.protocol)) problems.push(`url: a ${f.type} destination needs ${SCHEMES[f.type].map((s) => `${s}//`).join(' or ')}, not ${url.protocol}//`);
    if (url.username !== '' || url.password !== '') problems.push('url: must not carry a user or password; put the credential in token');
    if (url.hostname === '') problems.push('url: names no host');
    if (f.type === 'syslog' && (url.pathname.replace(/^\/+/, '') !== '' || url.search !== '')) problems.push('url: a syslog destination is syslog://host:port (no path or query)');
  }
  if (f.type === 'splunk_hec' && f.token === null) problems.push('token: a splunk_hec destination needs the HEC token (or env:NAME)');
  if (f.type === 'syslog' && f.token !== null) problems.push('token: syslog has no token; use syslog+tls:// with tls_ca to authenticate the receiver');
  if (f.token !== null && /[\r\n\0]/.test(f.token)) problems.push('token: must be one line');
  if (f.tlsCa !== null && !f.tlsCa.includes('-----BEGIN CERTIFICATE-----')) problems.push('tls_ca: must be PEM certificates (-----BEGIN CERTIFICATE-----)');
  const unknown = f.filterTypes.filter((t) => !isEventName(t));
  if (unknown.length > 0) problems.push(`filters.types: ${unknown.slice(0, 5).map((t) => `"${t.slice(0, 64)}"`).join(', ')} ${unknown.length === 1 ? 'is not an event type' : 'are not event types'} (docs/events.md lists them)`);
  return problems;
}

function sealToken(key: Buffer | undefined, id: string, token: string | null): Pick<DestinationFields, 'tokenSealed' | 'tokenEnv'> {
  if (token === null) return { tokenSealed: null, tokenEnv: null };
  const env = ENV_TOKEN.exec(token);
  if (env !== null) return { tokenSealed: null, tokenEnv: env[1]! };
  if (key === undefined) throw new AppError('unavailable', 'no key to seal destination tokens with (FLOWTRAIL_SECRETS_KEY); use env:NAME');
  return { tokenSealed: sealSecret(key, token, id), tokenEnv: null };
}

/** What an audit event says about a destination: its settings, never its token. */
function auditData(d: DestinationRow, actor: Actor): Record<string, unknown> {
  return {
    destination_id: d.id, name: d.name, type: d.type, url: displayUrl(d.url), format: d.format,
    filters: { types: d.filterTypes, projects: d.filterProjects }, active: d.active,
    token_set: d.tokenSealed !== null || d.tokenEnv !== null, ...(d.tokenEnv === null ? {} : { token_env: d.tokenEnv }),
    actor: actor.id, ...(actor.username ? { actor_username: actor.username } : {}),
  };
}

async function record(sql: Sql, type: EventName, data: Record<string, unknown>): Promise<void> {
  await recordEvents(sql, [{ eventId: randomUUID(), type, sessionId: null, occurredAt: new Date().toISOString(), source: 'system', data }]);
}

/** Validates, seals the token, stores the destination and records streaming_destination_created, in one transaction. */
export async function createDestination(sql: Pool, key: Buffer | undefined, body: unknown, actor: Actor): Promise<DestinationRow> {
  const r = destinationCreateSchema.safeParse(body);
  if (!r.success) throw new AppError('invalid', describeIssues(r.error));
  const b: DestinationCreate = r.data;
  const plain = {
    name: b.name, type: b.type, url: b.url, format: b.format ?? DEFAULT_FORMAT[b.type], token: b.token ?? null, tlsCa: b.tls_ca ?? null,
    filterTypes: [...new Set(b.filters?.types ?? [])], filterProjects: [...new Set(b.filters?.projects ?? [])], active: b.active ?? true,
  };
  const problems = checkFields(plain);
  if (problems.length > 0) throw new AppError('invalid', problems.join('; '));
  const id = `sd_${randomBytes(8).toString('hex')}`;
  const { token, ...rest } = plain;
  const fields: DestinationFields = { ...rest, ...sealToken(key, id, token) };
  return sql.begin(async (tx) => {
    const cursor = b.start === 'now' ? (await logSize(tx)) - 1 : -1;
    const row = await insertDestination(tx, id, fields, cursor, actor.id);
    if (row === null) throw new AppError('conflict', `a streaming destination named "${b.name}" already exists`);
    await record(tx, 'streaming_destination_created', { ...auditData(row, actor), start: b.start ?? 'beginning' });
    return row;
  });
}

/** Applies a partial change; a paused or failing destination starts afresh from its cursor. Records streaming_destination_updated. */
export async function changeDestination(sql: Pool, key: Buffer | undefined, id: string, body: unknown, actor: Actor): Promise<DestinationRow> {
  const r = destinationUpdateSchema.safeParse(body);
  if (!r.success) throw new AppError('invalid', describeIssues(r.error));
  const b = r.data;
  if (Object.keys(b).length === 0) throw new AppError('invalid', 'body: name at least one field to change (name, type, url, token, format, filters, active, tls_ca)');
  return sql.begin(async (tx) => {
    const old = await getDestination(tx, id);
    if (old === null) throw new AppError('not_found', `no streaming destination with id ${id}`);
    const type = b.type ?? old.type;
    const keepsToken = b.token === undefined && (b.type === undefined || b.type === old.type);
    const merged = {
      name: b.name ?? old.name, type, url: b.url ?? old.url,
      format: b.format ?? (b.type !== undefined && b.type !== old.type ? DEFAULT_FORMAT[type] : old.format),
      token: keepsToken ? (old.tokenSealed !== null || old.tokenEnv !== null ? 'kept' : null) : (b.token ?? null),
      tlsCa: b.tls_ca === undefined ? old.tlsCa : b.tls_ca,
      filterTypes: b.filters === undefined ? old.filterTypes : [...new Set(b.filters.types ?? [])],
      filterProjects: b.filters === undefined ? old.filterProjects : [...new Set(b.filters.projects ?? [])],
      active: b.active ?? old.active,
    };
    const problems = checkFields(merged);
    if (problems.length > 0) throw new AppError('invalid', problems.join('; '));
    const { token, ...rest } = merged;
    const sealed = keepsToken ? { tokenSealed: old.tokenSealed, tokenEnv: old.tokenEnv } : sealToken(key, id, token);
    const row = await updateDestination(tx, id, { ...rest, ...sealed });
    if (row === 'conflict') throw new AppError('conflict', `a streaming destination named "${merged.name}" already exists`);
    if (row === null) throw new AppError('not_found', `no streaming destination with id ${id}`);
    const changed = Object.keys(b).map((k) => (k === 'tls_ca' ? 'tls_ca' : k));
    await record(tx, 'streaming_destination_updated', { ...auditData(row, actor), changed, ...(old.pausedAt !== null ? { resumed_from_pause: true } : {}) });
    return row;
  });
}

/** Removes a destination and records streaming_destination_removed. */
export async function removeDestination(sql: Pool, id: string, actor: Actor): Promise<DestinationRow> {
  return sql.begin(async (tx) => {
    const row = await deleteDestination(tx, id);
    if (row === null) throw new AppError('not_found', `no streaming destination with id ${id}`);
    await record(tx, 'streaming_destination_removed', { destination_id: row.id, name: row.name, type: row.type, cursor_seq: row.cursorSeq, actor: actor.id });
    return row;
  });
}

export async function findDestination(sql: Sql, id: string): Promise<DestinationRow> {
  const row = await getDestination(sql, id);
  if (row === null) throw new AppError('not_found', `no streaming destination with id ${id}`);
  return row;
}

export { listDestinations };
