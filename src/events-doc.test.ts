import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { catalog } from './events.js';
import { renderEventsDoc, schemaFields } from './events-doc.js';

describe('docs/events.md', () => {
  it('is what the catalog generates (run `npm run docs:events` after changing src/events.ts)', () => {
    expect(readFileSync(new URL('../docs/events.md', import.meta.url), 'utf8')).toBe(renderEventsDoc());
  });

  it('reads required and optional fields from the schemas', () => {
    expect(schemaFields(catalog.duo_flow_decision_logged)).toEqual({ required: ['step', 'decision'], optional: ['rationale', 'alternatives'] });
  });
});
