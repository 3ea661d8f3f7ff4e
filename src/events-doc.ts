import { z } from 'zod';
import { catalog, eventNames, type CatalogEntry } from './events.js';

/** Field names of a type's schema split into required and optional, read from the zod object itself. */
export function schemaFields(entry: CatalogEntry): { required: string[]; optional: string[] } {
  const shape = (entry.schema as unknown as z.ZodObject).shape as Record<string, z.ZodType>;
  const required: string[] = [];
  const optional: string[] = [];
  for (const [name, field] of Object.entries(shape)) (field.safeParse(undefined).success ? optional : required).push(name);
  return { required, optional };
}

/** docs/events.md, generated from the catalog (`npm run docs:events`); a test keeps the file in step. */
export function renderEventsDoc(): string {
  const lines = [
    '# Event types',
    '',
    'Generated from `src/events.ts` by `npm run docs:events`; do not edit by hand.',
    '',
    'Every event carries `event_id` (UUID, the idempotency key), `type`, `session_id` (1-128 characters of',
    '`A-Z a-z 0-9 . _ : -`) and `occurred_at` (RFC 3339). Stored events also carry `seq`, `recorded_at`,',
    '`source`, `source_type`, `source_id`, `project_path` and `username`. Fields marked *text* may hold',
    'personal data: they are sanitized, and enter the hashed leaf only as salted commitments.',
    '',
    '| type | posted by senders | lifecycle | required fields | optional fields | description |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const name of eventNames) {
    const e = catalog[name] as CatalogEntry;
    const { required, optional } = schemaFields(e);
    const mark = (f: string) => `\`${f}\`${e.textFields.includes(f) ? ' *text*' : ''}`;
    const lifecycle = e.lifecycle === undefined ? '' : `${e.lifecycle}${e.status !== undefined ? ` (status ${e.status})` : ''}`;
    lines.push(`| \`${name}\` | ${e.ingestable ? 'yes' : 'no: recorded by flowtrail'} | ${lifecycle} | ${required.map(mark).join(', ')} | ${optional.map(mark).join(', ')} | ${e.description} |`);
  }
  lines.push(
    '',
    'Fields not listed are kept as sent (sanitized). For events that flowtrail derives from GitLab',
    '(source `gitlab_audit_stream`), the fields are what GitLab provides; the `gitlab` object keeps the',
    "original event's id, type, author and entity.",
    '',
  );
  return lines.join('\n');
}
