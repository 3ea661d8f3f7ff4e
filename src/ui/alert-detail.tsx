import type { FC } from 'hono/jsx';
import type { EventView } from '../audit/index.js';
import { anomalyWords, eventWords } from './event-words.js';
import { ShortSha } from './resource-name.js';
import { ruleWords } from './rule-words.js';

const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);

/** What an alert says, as one line of text (also the key that groups repeats). */
export function alertText(e: EventView): string {
  const d = e.data;
  if (e.type === 'duo_flow_lifecycle_violation') {
    const rule = str(d.rule);
    const by = str(d.violating_type);
    return [rule === null ? null : ruleWords(rule), by === null ? null : `(${eventWords(by).toLowerCase()})`].filter((x) => x !== null).join(' ');
  }
  if (e.type === 'duo_flow_anomaly_detected') return [str(d.kind) === null ? null : anomalyWords(str(d.kind)!), str(d.reason)].filter((x) => x !== null).join(': ');
  if (e.type === 'duo_flow_unknown_session_reference') return [str(d.reference), str(d.reason)].filter((x) => x !== null).join(': ');
  if (e.type === 'duo_flow_push_rejected') {
    const findings = Array.isArray(d.findings) ? d.findings.length : 0;
    return `${findings} ${findings === 1 ? 'finding' : 'findings'}${d.mode === 'warn' ? ' (warn mode: let through)' : ''}`;
  }
  return str(d.reason) ?? str(d.rule) ?? str(d.sha) ?? '';
}

/** The same line, with a commit SHA shortened (the full one on hover). */
export const AlertDetail: FC<{ event: EventView }> = ({ event }) => {
  const sha = str(event.data.sha);
  if (event.type === 'duo_flow_untraced_agent_commit' && sha !== null) return <>commit <ShortSha sha={sha} /></>;
  return <>{alertText(event)}</>;
};
