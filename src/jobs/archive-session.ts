import { createHash } from 'node:crypto';
import type { NewEvent } from '../events.js';
import { deterministicUuid, parseTrace, type GitlabClient } from '../gitlab/index.js';
import type { Sanitizer } from '../sanitize/index.js';
import { getSession, type Sql } from '../store/index.js';
import type { Integrator } from '../log/index.js';
import type { JobHandler } from './job-runner.js';

/**
 * GitLab purges a session's activity after 30 days: when a session ends, copy
 * its trace.jsonl into the log, sanitized, as duo_flow_activity_archived
 * (goal, chat log, plan, status and the SHA-256 of the bytes received) plus
 * the plan and the chat entries as duo_flow_plan_generated and
 * duo_flow_decision_logged. Event ids derive from the session, so a rerun adds nothing.
 */
export function createArchiveHandler(deps: { sql: Sql; integrator: Integrator; gitlab: GitlabClient | null; sanitizer: Sanitizer }): JobHandler {
  return async (payload) => {
    const sessionId = String(payload.session_id);
    if (deps.gitlab === null) return 'not archived: FLOWTRAIL_GITLAB_URL and FLOWTRAIL_GITLAB_TOKEN are not set';
    const session = await getSession(deps.sql, sessionId);
    if (session === null) return `session ${sessionId} is unknown`;
    const text = await deps.gitlab.workflowTrace(sessionId);
    const trace = parseTrace(text);
    const now = new Date().toISOString();
    // The plan was made while the session ran: date it at the first activity GitLab recorded, else the start.
    const planAt = trace.chat.find((c) => c.timestamp !== null)?.timestamp ?? session.startedAt?.toISOString() ?? now;
    const base = { sessionId, source: 'gitlab_archive' as const, sourceType: 'trace.jsonl', sourceId: sessionId, projectPath: session.projectPath, username: session.username };
    const event = (key: string, type: NewEvent['type'], occurredAt: string, data: Record<string, unknown>): NewEvent => ({
      ...base, eventId: deterministicUuid(`gitlab_archive:${sessionId}:${key}`), type, occurredAt, data: deps.sanitizer.sanitizeValue(data).value,
    });
    const events: NewEvent[] = [event('archive', 'duo_flow_activity_archived', now, {
      activity: { goal: trace.goal, status: trace.status, chat_log: trace.chat, plan_steps: trace.planSteps },
      lines: trace.lines,
      unparsed_lines: trace.unparsedLines,
      sha256: createHash('sha256').update(text).digest('hex'),
      bytes: Buffer.byteLength(text),
    })];
    if (trace.planSteps.length > 0) {
      events.push(event('plan', 'duo_flow_plan_generated', planAt, { plan_steps: trace.planSteps, plan_summary: trace.goal ?? undefined }));
    }
    trace.chat.forEach((c, i) => {
      events.push(event(`chat:${c.messageId ?? i}`, 'duo_flow_decision_logged', c.timestamp ?? planAt, {
        step: c.messageId ?? i,
        decision: c.content === '' ? `${c.messageType} message` : c.content,
        detail: { message_type: c.messageType, status: c.status, tool_info: c.toolInfo },
      }));
    });
    const r = await deps.integrator.append(events);
    return `archived ${trace.lines} lines (${trace.unparsedLines} unreadable): ${r.accepted} events appended`;
  };
}
