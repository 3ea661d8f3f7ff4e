import type { EventView } from '../audit/index.js';
import { ALERT_TYPES } from '../events.js';


export interface Decision {
  step: unknown;
  decision: unknown;
  rationale: unknown;
  alternatives: unknown;
  at: string;
  source: string;
}

export interface SessionStory {
  input: { prompt: unknown; summary: unknown; context: unknown } | null;
  plan: { steps: unknown[]; summary: unknown; at: string } | null;
  decisions: Decision[];
  outcome: { summary: unknown; error: Record<string, unknown> | null } | null;
  alerts: EventView[];
  archived: EventView | null;
}

const first = <T>(xs: T[]) => xs[0];
const last = <T>(xs: T[]) => xs[xs.length - 1];

/** What a session's timeline says: what was asked, planned and decided, how it ended, what to look at. */
export function sessionStory(timeline: readonly EventView[]): SessionStory {
  const of = (type: string) => timeline.filter((e) => e.type === type);
  const started = first(of('duo_flow_started'));
  const plan = last(of('duo_flow_plan_generated'));
  const ended = last(timeline.filter((e) => e.type === 'duo_flow_completed' || e.type === 'duo_flow_failed' || e.type === 'duo_flow_stopped'));
  return {
    input: started === undefined ? null : { prompt: started.data.input_prompt, summary: started.data.input_summary, context: started.data.input_context },
    plan: plan === undefined ? null : { steps: Array.isArray(plan.data.plan_steps) ? plan.data.plan_steps : [], summary: plan.data.plan_summary, at: plan.occurred_at },
    decisions: of('duo_flow_decision_logged').map((e) => ({ step: e.data.step, decision: e.data.decision, rationale: e.data.rationale, alternatives: e.data.alternatives, at: e.occurred_at, source: e.source })),
    outcome: ended === undefined ? null : {
      summary: ended.data.outcome_summary ?? ended.data.reason,
      error: ended.type === 'duo_flow_failed' ? { category: ended.data.error_category, code: ended.data.error_code, message: ended.data.error_message, step: ended.data.failed_at_step } : null,
    },
    alerts: timeline.filter((e) => (ALERT_TYPES as readonly string[]).includes(e.type)),
    archived: last(of('duo_flow_activity_archived')) ?? null,
  };
}

/** A one-line text of a plan step or decision, for lists and comparisons. */
export function lineOf(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of ['description', 'title', 'name', 'step', 'text']) if (typeof o[k] === 'string') return o[k] as string;
  }
  return JSON.stringify(v) ?? '';
}
