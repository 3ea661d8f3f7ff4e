import type { FC } from 'hono/jsx';
import type { EventView } from '../audit/index.js';
import { ALERT_TYPES } from '../events.js';
import { alertText } from './alert-detail.js';
import { eventWords } from './event-words.js';
import { formatDuration } from './relative-time.js';
import { lineOf } from './session-detail.js';

export interface ChartSpan {
  /** When the session started (else its first event) and ended (else its last event so far). */
  from: Date;
  to: Date;
  ended: boolean;
}

const W = 1000;
const LEFT = 110;
const RIGHT = 20;
const LANE = 30;
const LANES = ['Session', 'Plan', 'Decisions', 'Resources', 'Pauses', 'Alerts'] as const;
const TOP = 8;
const AXIS = TOP + LANES.length * LANE;
const HEIGHT = AXIS + 58;
const utc = (d: Date) => d.toISOString().slice(0, 16).replace('T', ' ');
const laneY = (lane: (typeof LANES)[number]) => TOP + LANES.indexOf(lane) * LANE + LANE / 2;

/** Pause intervals: each pause to the next resume, or to the end of the span. */
function pauses(events: readonly EventView[], end: Date): { from: Date; to: Date; open: boolean }[] {
  const out: { from: Date; to: Date; open: boolean }[] = [];
  let since: Date | null = null;
  for (const e of events) {
    if (e.type === 'duo_flow_paused' && since === null) since = new Date(e.occurred_at);
    if (e.type === 'duo_flow_resumed' && since !== null) {
      out.push({ from: since, to: new Date(e.occurred_at), open: false });
      since = null;
    }
  }
  if (since !== null) out.push({ from: since, to: end, open: true });
  return out;
}

/**
 * The session at a glance, drawn on the server as SVG (no script, no inline
 * style): its span, the plan, decisions, resources, pauses and alerts
 * (lifecycle violations among them) on one time axis, with a title, a
 * description and a legend, and each mark titled with what and when.
 */
export const SessionChart: FC<{ span: ChartSpan; events: readonly EventView[] }> = ({ span, events }) => {
  const t0 = span.from.getTime();
  const t1 = Math.max(span.to.getTime(), t0 + 60_000);
  const x = (at: string | Date) => LEFT + ((Math.min(Math.max(new Date(at).getTime(), t0), t1) - t0) / (t1 - t0)) * (W - LEFT - RIGHT);
  const of = (...types: string[]) => events.filter((e) => types.includes(e.type));
  const plan = of('duo_flow_plan_generated');
  const decisions = of('duo_flow_decision_logged');
  const resources = of('duo_flow_resource_created', 'duo_flow_resource_linked');
  const alerts = events.filter((e) => (ALERT_TYPES as readonly string[]).includes(e.type));
  const paused = pauses(of('duo_flow_paused', 'duo_flow_resumed'), new Date(t1));
  const desc = `From ${utc(span.from)} to ${utc(new Date(t1))} UTC (${formatDuration(t1 - t0)}${span.ended ? '' : ', still open'}): `
    + `${plan.length} plan, ${decisions.length} decisions, ${resources.length} resources, ${paused.length} pauses, ${alerts.length} alerts.`;
  const tip = (e: EventView, what: string) => `${eventWords(e.type)} at ${utc(new Date(e.occurred_at))} UTC${what === '' ? '' : `: ${what.slice(0, 200)}`}`;
  const legend = [['mark-plan', 'plan'], ['mark-decision', 'decision'], ['mark-resource', 'resource'], ['mark-pause', 'pause'], ['mark-alert', 'alert or violation']] as const;
  return (
    <figure class="session-chart">
      <svg viewBox={`0 0 ${W} ${HEIGHT}`} width="100%" role="img" aria-labelledby="chart-title chart-desc">
        <title id="chart-title">Timeline of the session</title>
        <desc id="chart-desc">{desc}</desc>
        {LANES.map((l) => <text class="lane" x="0" y={String(laneY(l) + 4)}>{l}</text>)}
        {LANES.map((l) => <line class="lane-line" x1={String(LEFT)} x2={String(W - RIGHT)} y1={String(laneY(l))} y2={String(laneY(l))} />)}
        <rect class={span.ended ? 'span' : 'span open'} x={String(LEFT)} y={String(laneY('Session') - 6)} width={String(x(new Date(t1)) - LEFT)} height="12"><title>{`Session: ${desc}`}</title></rect>
        {plan.map((e) => <circle class="mark-plan" cx={x(e.occurred_at).toFixed(1)} cy={String(laneY('Plan'))} r="7"><title>{tip(e, Array.isArray(e.data.plan_steps) ? `${e.data.plan_steps.length} steps` : '')}</title></circle>)}
        {decisions.map((e) => <circle class="mark-decision" cx={x(e.occurred_at).toFixed(1)} cy={String(laneY('Decisions'))} r="6"><title>{tip(e, lineOf(e.data.decision))}</title></circle>)}
        {resources.map((e) => <rect class="mark-resource" x={(x(e.occurred_at) - 6).toFixed(1)} y={String(laneY('Resources') - 6)} width="12" height="12"><title>{tip(e, `${String(e.data.resource_type ?? '')} ${String(e.data.resource_id ?? '')}`.trim())}</title></rect>)}
        {paused.map((p) => <rect class="mark-pause" x={x(p.from).toFixed(1)} y={String(laneY('Pauses') - 6)} width={Math.max(x(p.to) - x(p.from), 3).toFixed(1)} height="12"><title>{`Paused from ${utc(p.from)} UTC ${p.open ? '(not resumed)' : `to ${utc(p.to)} UTC`}`}</title></rect>)}
        {alerts.map((e) => {
          const cx = x(e.occurred_at);
          const cy = laneY('Alerts');
          return <path class="mark-alert" d={`M${cx.toFixed(1)} ${cy - 8} L${(cx + 8).toFixed(1)} ${cy + 6} L${(cx - 8).toFixed(1)} ${cy + 6} Z`}><title>{tip(e, alertText(e))}</title></path>;
        })}
        <line class="axis" x1={String(LEFT)} x2={String(W - RIGHT)} y1={String(AXIS)} y2={String(AXIS)} />
        <text class="tick" x={String(LEFT)} y={String(AXIS + 14)}>{`Start ${utc(span.from)} UTC`}</text>
        <text class="tick" x={String(W - RIGHT)} y={String(AXIS + 14)} text-anchor="end">{`${span.ended ? 'End' : 'Last event'} ${utc(new Date(t1))} UTC`}</text>
        {legend.map(([cls, label], i) => (
          <g class="legend" transform={`translate(${LEFT + i * 170} ${AXIS + 40})`}>
            <rect class={`key ${cls}`} x="0" y="-9" width="12" height="12" /><text class="tick" x="18" y="1">{label}</text>
          </g>
        ))}
      </svg>
    </figure>
  );
};
