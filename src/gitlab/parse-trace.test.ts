import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTrace } from './parse-trace.js';

describe('parseTrace', () => {
  it('routes the lines of the current format by channel', () => {
    const t = parseTrace(readFileSync(new URL('../../test/fixtures/gitlab-dap/trace.jsonl', import.meta.url), 'utf8'));
    expect(t).toMatchObject({ goal: 'Implement half-even rounding for ledger totals as described in #42', status: 'Completed', lines: 6, unparsedLines: 0 });
    expect(t.chat.map((c) => c.messageType)).toEqual(['user', 'agent', 'tool']);
    expect(t.chat[2]).toMatchObject({ messageId: 'msg-7b1e09', toolInfo: { name: 'create_merge_request' } });
    expect(t.planSteps).toEqual([{ id: 'task-0', description: 'Switch LedgerTotals.round() to ROUND_HALF_EVEN and add tests', status: 'Completed' }]);
  });

  it('reads the older bare chat entries and counts lines it cannot read', () => {
    const t = parseTrace('{"status":"success","content":"hello","message_type":"agent"}\nnot json\n[1]\n\n{"channel":"mystery"}\n');
    expect(t).toMatchObject({ lines: 4, unparsedLines: 3, goal: null });
    expect(t.chat).toEqual([{ messageType: 'agent', content: 'hello', timestamp: null, status: 'success', messageId: null, toolInfo: null }]);
  });
});
