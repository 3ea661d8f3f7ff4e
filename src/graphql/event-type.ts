import { GraphQLBoolean, GraphQLEnumType, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLString } from 'graphql';
import type { EventView } from '../audit/index.js';
import { catalog, eventNames } from '../events.js';
import { JsonScalar, TimeScalar } from './scalars.js';

/** Every event type of the catalog in src/events.ts, with its description; the names are the catalog's. */
export const EventTypeEnum = new GraphQLEnumType({
  name: 'DuoFlowEventType',
  description: 'An audit event type (the catalog of docs/events.md).',
  values: Object.fromEntries(eventNames.map((n) => [n, { value: n, description: catalog[n].description }])),
});

const str = (v: string | null | undefined): string | null => (v === undefined || v === '' ? null : v);
const text = (description: string, get: (e: EventView) => string | null | undefined) =>
  ({ type: GraphQLString, description, resolve: (e: EventView) => str(get(e)) });

/** One entry of the append-only log, as the REST API shows it (texts put back where they still exist). */
export const AuditEventType = new GraphQLObjectType<EventView>({
  name: 'DuoFlowAuditEvent',
  description: 'One event of the tamper-evident log.',
  fields: {
    seq: { type: new GraphQLNonNull(GraphQLInt), description: 'Position in the log (gap-free).' },
    eventId: text('The event id (the sender\'s idempotency key, or flowtrail\'s).', (e) => e.event_id),
    type: { type: new GraphQLNonNull(GraphQLString), description: 'A DuoFlowEventType name, or `purged` for an event removed by retention.' },
    sessionId: text('The session the event belongs to.', (e) => e.session_id),
    occurredAt: { type: TimeScalar, resolve: (e) => str(e.occurred_at) },
    recordedAt: { type: TimeScalar, resolve: (e) => str(e.recorded_at) },
    source: text('flow_api, gitlab_audit_stream, gitlab_webhook, git_hook, gitlab_archive or system.', (e) => e.source),
    sourceType: text('The type the event had where it came from.', (e) => e.source_type),
    sourceId: text('The id the event had where it came from.', (e) => e.source_id),
    projectPath: text('The project, when known.', (e) => e.project_path),
    username: text('The human initiator or actor, when known.', (e) => e.username),
    data: { type: JsonScalar, description: "The type's fields (sanitized).", resolve: (e) => e.data },
    leafHash: { type: new GraphQLNonNull(GraphQLString), description: 'Hex SHA-256 leaf hash in the Merkle log.', resolve: (e) => e.leaf_hash },
    purged: { type: new GraphQLNonNull(GraphQLBoolean), description: 'Removed by retention; its leaf hash still proves its place.', resolve: (e) => e.purged === true },
  },
});
