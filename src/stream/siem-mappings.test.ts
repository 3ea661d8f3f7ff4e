import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { eventNames } from '../events.js';
import { renderFieldTable, renderSiemDoc, renderTypeTable } from './siem-mappings.js';

describe('docs/siem.md field mappings', () => {
  it('are what the formatters and the catalog say (run `npm run docs:events` after changing them)', () => {
    const doc = readFileSync(new URL('../../docs/siem.md', import.meta.url), 'utf8');
    expect(doc).toBe(renderSiemDoc(doc));
  });

  it('are read off the formatters: the event id is the CEF externalId, OCSF metadata.uid, the GitLab id and the syslog eventId', () => {
    expect(renderFieldTable()).toContain('| `event_id` | `externalId` | `metadata.uid` | `id` | `SD eventId` |');
    expect(renderFieldTable()).toContain('| `username` | `suser` | `actor.user.name` |');
  });

  it('have one row per event type of the catalog, alerts at CEF severity 7 and syslog warning', () => {
    const rows = renderTypeTable().split('\n').slice(2);
    expect(rows).toHaveLength(eventNames.length);
    expect(rows.find((r) => r.startsWith('| `duo_flow_push_rejected` |'))).toMatch(/^\| `duo_flow_push_rejected` \| 7 \| 4 \| 4 \| 1 \|/);
    expect(rows.find((r) => r.startsWith('| `duo_flow_failed` |'))).toMatch(/^\| `duo_flow_failed` \| 5 \| 5 \| 3 \| 2 \|/);
  });
});
