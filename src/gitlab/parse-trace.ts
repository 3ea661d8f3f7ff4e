// GitLab's trace.jsonl of a session (docs/gitlab-setup.md, what flowtrail relies on),
// read tolerantly: current versions tag each line with a `channel` (goal,
// ui_chat_log, plan.steps, status); older ones send bare chat-log entries. A
// line that is not JSON is counted, never fatal.

type Obj = Record<string, unknown>;

export interface ChatEntry {
  messageType: string;
  content: string;
  timestamp: string | null;
  status: string | null;
  messageId: string | null;
  toolInfo: unknown;
}

export interface ParsedTrace {
  goal: string | null;
  chat: ChatEntry[];
  planSteps: Obj[];
  status: string | null;
  lines: number;
  unparsedLines: number;
}

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);

export function parseTrace(text: string): ParsedTrace {
  const out: ParsedTrace = { goal: null, chat: [], planSteps: [], status: null, lines: 0, unparsedLines: 0 };
  for (const raw of text.split('\n')) {
    if (raw.trim() === '') continue;
    out.lines++;
    let line: unknown;
    try {
      line = JSON.parse(raw);
    } catch {
      out.unparsedLines++;
      continue;
    }
    if (typeof line !== 'object' || line === null || Array.isArray(line)) {
      out.unparsedLines++;
      continue;
    }
    const l = line as Obj;
    const channel = str(l.channel);
    if (channel === 'goal') out.goal = str(l.value) ?? out.goal;
    else if (channel === 'status') out.status = str(l.value) ?? out.status;
    else if (channel === 'plan.steps') {
      const { channel: _c, ...step } = l;
      out.planSteps.push(step);
    } else if (channel === 'ui_chat_log' || (channel === null && typeof l.message_type === 'string')) {
      out.chat.push({
        messageType: str(l.message_type) ?? 'unknown',
        content: str(l.content) ?? '',
        timestamp: str(l.timestamp),
        status: str(l.status),
        messageId: str(l.message_id),
        toolInfo: l.tool_info ?? null,
      });
    } else {
      out.unparsedLines++;
    }
  }
  return out;
}
