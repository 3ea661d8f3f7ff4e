import { describe, expect, it } from 'vitest';
import type { EventView } from './event-view.js';
import { cefLine, csvCell, formatEvent, ocsfEvent } from './format-event.js';

const view: EventView = {
  seq: 42,
  event_id: '7c1e4f6a-3b2d-4c8e-9f10-2a3b4c5d6e7f',
  type: 'duo_flow_lifecycle_violation',
  session_id: '9137',
  occurred_at: '2026-03-10T14:05:00.000Z',
  recorded_at: '2026-03-10T14:05:01.000Z',
  source: 'system',
  source_type: null,
  source_id: null,
  project_path: 'acme|platform/payments=api',
  username: 'dwhitfield',
  data: { rule: 'after_terminal', note: 'line one\nline two = x\\y' },
  leaf_hash: 'ab'.repeat(32),
};

describe('export formats', () => {
  it('writes CEF with escaped header and extension values, severity from the type', () => {
    const line = cefLine(view);
    expect(line.startsWith('CEF:0|flowtrail|flowtrail|0.1.0|duo_flow_lifecycle_violation|An event broke the session lifecycle')).toBe(true);
    expect(line).toMatch(/\|7\|rt=1773151501000 start=1773151500000 externalId=7c1e4f6a-3b2d-4c8e-9f10-2a3b4c5d6e7f suser=dwhitfield cn1Label=seq cn1=42 /);
    expect(line).toContain('cs2=acme|platform/payments\\=api');
    expect(line).toContain('msg={"rule":"after_terminal","note":"line one\\\\nline two \\= x\\\\\\\\y"}');
    expect(line).not.toContain('\n');
  });

  it('writes OCSF API Activity records with flowtrail fields unmapped', () => {
    expect(ocsfEvent(view)).toMatchObject({
      class_uid: 6003, category_uid: 6, type_uid: 600399, activity_name: 'duo_flow_lifecycle_violation', severity_id: 4,
      time: 1773151500000, actor: { user: { name: 'dwhitfield' } },
      metadata: { uid: view.event_id, sequence: 42, product: { name: 'flowtrail' } },
      unmapped: { session_id: '9137', leaf_hash: view.leaf_hash, data: view.data },
    });
    expect(JSON.parse(formatEvent(view, 'ocsf'))).toEqual(ocsfEvent(view));
  });

  it('quotes CSV cells and defuses spreadsheet formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell(null)).toBe('');
    expect(formatEvent(view, 'csv').endsWith('\r\n')).toBe(true);
  });
});
