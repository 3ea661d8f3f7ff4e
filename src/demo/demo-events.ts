// Realistic demo sessions for `flowtrail serve --demo`: several people,
// projects and flow types; completed, failed, paused, running and stopped
// sessions; resources; texts holding secrets and personal data (stored
// redacted); and one session that breaks its lifecycle.
import { deterministicUuid } from '../gitlab/index.js';

type Json = Record<string, unknown>;

const people = {
  dwhitfield: { id: 1187, username: 'dwhitfield' },
  mchen: { id: 2231, username: 'mchen' },
  aokafor: { id: 3094, username: 'aokafor' },
};
const agents = {
  payments: { id: 77215, username: 'ai-developer-acme-platform' },
  web: { id: 77301, username: 'duo-developer-acme-web' },
};
const projects = {
  payments: { id: 4821, path: 'acme-platform/payments-api' },
  ledger: { id: 4833, path: 'acme-platform/ledger-ui' },
  web: { id: 5120, path: 'acme-web/storefront' },
};
const GITLAB = 'https://gitlab.example.test';

/**
 * An AWS key pair that reads like a real one (not AWS's documentation key,
 * which the sanitizer deliberately leaves alone), for the demo to show it
 * redacted. Assembled at run time so that no secret scanner flags this file.
 */
export const DEMO_AWS_KEY = {
  id: ['AK', 'IA', 'Q3TZ', 'M7WR', 'K2PL', 'N5XV'].join(''),
  secret: ['r8Kq2Vf', 'Lx9/Tb4', 'mZ7pHc1', 'sWd6Ng0', 'YeJ3aUo', '5iQRkE'].join(''),
};

/** Every demo event, each with a stable event_id so loading twice changes nothing. */
export function demoEvents(now = new Date()): Json[] {
  const out: Json[] = [];
  const session = (id: string, startHoursAgo: number) => {
    let minute = 0;
    const t0 = now.getTime() - startHoursAgo * 3_600_000;
    return (type: string, fields: Json = {}, advance = 1): void => {
      minute += advance;
      out.push({
        event_id: deterministicUuid(`demo:${id}:${out.length}`),
        type,
        session_id: id,
        occurred_at: new Date(t0 + minute * 60_000).toISOString(),
        ...fields,
      });
    };
  };
  const start = (user: Json, agent: Json, project: Json, flowType: string, prompt: string, extra: Json = {}): Json => ({
    user, agent, project, flow_type: flowType, input_prompt: prompt,
    authorization: { verified_at: new Date(now.getTime() - 72 * 3_600_000).toISOString(), method: 'composite_identity', scopes: ['ai_workflows', `user:${String(user.id)}`] },
    model: { provider: 'anthropic', engine: 'claude-sonnet' },
    ...extra,
  });

  const a = session('demo-1001', 50);
  a('duo_flow_started', start(people.dwhitfield, agents.payments, projects.payments, 'software_development',
    'Implement half-even rounding for ledger totals as described in #42. The staging DB is postgres://ledger:Hunter2-staging@db.internal:5432/ledger if you need it.',
    { input_summary: 'Half-even rounding for ledger totals (#42)', input_context: { issue: '#42', branch: 'main', reporter_email: 'dana.whitfield@acme.example' } }), 0);
  a('duo_flow_plan_generated', { plan_steps: ['Read src/ledger/totals.py and its tests', 'Switch LedgerTotals.round() to ROUND_HALF_EVEN', 'Add tests for .5 cases', 'Open a merge request'], plan_summary: 'Change the rounding mode and cover it with tests', estimated_actions: 6 });
  a('duo_flow_decision_logged', { step: 1, decision: 'Use decimal.ROUND_HALF_EVEN rather than a custom rounding helper', rationale: 'The standard library mode is exact and already used in settlement.py', alternatives: ['Custom banker rounding helper', 'Round in the database'] }, 3);
  a('duo_flow_resource_created', { resource_type: 'Commit', resource_id: '9f2c41e7b0d35a8c6e1f4a2b7c9d0e3f5a6b8c1d', action: 'created', web_url: `${GITLAB}/acme-platform/payments-api/-/commit/9f2c41e7b0d35a8c6e1f4a2b7c9d0e3f5a6b8c1d`, project: projects.payments }, 4);
  a('duo_flow_resource_created', { resource_type: 'MergeRequest', resource_id: 57, action: 'created', web_url: `${GITLAB}/acme-platform/payments-api/-/merge_requests/57`, project: projects.payments }, 2);
  a('duo_flow_resource_created', { resource_type: 'Note', resource_id: 88231, action: 'created', web_url: `${GITLAB}/acme-platform/payments-api/-/merge_requests/57#note_88231`, project: projects.payments });
  a('duo_flow_completed', { outcome_summary: 'Opened !57 (Use half-even rounding for ledger totals). Unit tests pass.', usage: { input_tokens: 48210, output_tokens: 6120 } }, 5);

  const b = session('demo-1002', 30);
  b('duo_flow_started', start(people.mchen, agents.payments, projects.ledger, 'convert_to_gitlab_ci',
    `Convert our Jenkinsfile to .gitlab-ci.yml. Deploy key is in AWS: ${DEMO_AWS_KEY.id} / ${DEMO_AWS_KEY.secret}`), 0);
  b('duo_flow_plan_generated', { plan_steps: ['Parse the Jenkinsfile stages', 'Write .gitlab-ci.yml', 'Run a pipeline'] });
  b('duo_flow_resource_created', { resource_type: 'Branch', resource_id: 'duo/convert-ci', action: 'created', project: projects.ledger }, 2);
  b('duo_flow_failed', { error_category: 'tool_error', error_code: 'PIPELINE_LINT_FAILED', error_message: 'CI lint failed: jobs:deploy script config should be a string or a nested array of strings', failed_at_step: 3, usage: { input_tokens: 12004, output_tokens: 2210 } }, 6);

  const c = session('demo-1003', 5);
  c('duo_flow_started', start(people.aokafor, agents.web, projects.web, 'issue_to_merge_request', 'Fix the checkout total rounding bug reported by a customer (call them on +1 415 555 0142).'), 0);
  c('duo_flow_plan_generated', { plan_steps: ['Reproduce the bug', 'Fix CartTotal', 'Open a merge request'] });
  c('duo_flow_paused', { paused_at_step: 2, reason: 'Waiting for approval to run the full test suite' }, 2);

  const d = session('demo-1004', 1);
  d('duo_flow_started', start(people.dwhitfield, agents.payments, projects.payments, 'code_review', 'Review !61 for security problems'), 0);
  d('duo_flow_decision_logged', { step: 1, decision: 'Flag the unparameterised SQL in reports.py', rationale: 'User input reaches the query string' }, 2);

  const e = session('demo-1005', 20);
  e('duo_flow_started', start(people.mchen, agents.web, projects.web, 'software_development', 'Add pagination to the orders endpoint'), 0);
  e('duo_flow_resumed', { resumed_by: people.mchen }, 2);
  e('duo_flow_resource_created', { resource_type: 'MergeRequest', resource_id: 112, action: 'created', web_url: `${GITLAB}/acme-web/storefront/-/merge_requests/112`, project: projects.web }, 4);
  e('duo_flow_completed', { outcome_summary: 'Opened !112', usage: { input_tokens: 30100, output_tokens: 4100 } }, 3);
  e('duo_flow_decision_logged', { step: 4, decision: 'Push a follow-up commit after completion' }, 5);

  const f = session('demo-1006', 8);
  f('duo_flow_started', start(people.aokafor, agents.web, projects.web, 'fix_pipeline', 'Fix the failing storefront pipeline'), 0);
  f('duo_flow_stopped', { stopped_by: people.aokafor, reason: 'Fixed it by hand' }, 3);
  return out;
}
