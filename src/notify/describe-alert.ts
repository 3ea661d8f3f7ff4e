import type { EventView } from '../audit/index.js';

/** What every notification of an alert says, whatever its type (new alert types need nothing here). */
export interface AlertFacts {
  /** The alert's log position: its id in GET /api/v1/alerts. */
  id: number;
  eventId: string;
  type: string;
  /** In words: the type without its `duo_flow_` prefix, underscores as spaces. */
  name: string;
  /** `data.kind` when the alert has one (the anomaly detectors' kinds). */
  kind: string | null;
  sessionId: string | null;
  projectPath: string | null;
  username: string | null;
  occurredAt: string;
  recordedAt: string;
  /** The page to open: the session's, else the audit dashboard. */
  url: string;
  /** A one-line reason from the alert's data (`reason`, `rule`, `reference` or `sha`), when it has one. */
  detail: string | null;
  data: Record<string, unknown>;
}

const DETAIL_FIELDS = ['reason', 'rule', 'reference', 'sha', 'action'] as const;

/** An alert as a notification tells it: the event with its session's project and person when the event itself names none. */
export function describeAlert(view: EventView, session: { projectPath: string | null; username: string | null }, publicUrl: string): AlertFacts {
  const data = view.data;
  const text = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const base = publicUrl.replace(/\/+$/, '');
  return {
    id: view.seq,
    eventId: view.event_id,
    type: view.type,
    name: view.type.replace(/^duo_flow_/, '').replace(/_/g, ' '),
    kind: text(data.kind),
    sessionId: view.session_id,
    projectPath: view.project_path ?? session.projectPath,
    username: view.username ?? session.username,
    occurredAt: view.occurred_at,
    recordedAt: view.recorded_at,
    url: view.session_id === null ? `${base}/admin/duo_agent_platform/audit` : `${base}/-/duo/sessions/${encodeURIComponent(view.session_id)}`,
    detail: DETAIL_FIELDS.map((f) => text(data[f])).find((v) => v !== null) ?? null,
    data,
  };
}
