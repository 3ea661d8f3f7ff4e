import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { tokenAllowsProject } from '../auth/index.js';
import { AppError } from '../errors.js';
import { createAgentMatcher, createAgentPusherMatcher } from '../gitlab/index.js';
import { checkPush, type PushCheckRequest, type PushCheckResult, type UncheckedPush } from '../hooks/index.js';
import { limitBody, pushCheckRequestSchema, requirePermission } from '../http/index.js';
import { sanitizeEvent } from '../sanitize/index.js';
import { listAgentAccounts, sessionsByIds } from '../store/index.js';

// A push of many thousands of commits is one request: allow more than the
// event API's limit, still bounded.
export const MAX_PUSH_CHECK_BYTES = 64 * 1024 * 1024;

/**
 * POST /api/v1/push-checks (role ingest): the pre-receive hook's one question
 * per push. The service decides with what it knows (agent accounts, sessions)
 * and records the decision as duo_flow_push_checked or duo_flow_push_rejected
 * before it answers, so that no refusal or acceptance goes unaudited. A dry
 * run (verify-repo) decides nothing and is recorded as duo_flow_push_dry_run:
 * every question asked of the service leaves a record.
 */
export function createPushChecksApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.post('/', limitBody(Math.max(deps.config.http.maxBodyBytes, MAX_PUSH_CHECK_BYTES)), requirePermission(deps, 'ingest'), async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      throw new AppError('invalid', 'the body is not JSON');
    }
    const parsed = pushCheckRequestSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new AppError('invalid', `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const req: PushCheckRequest = parsed.data;
    // A token limited to projects checks (and records) pushes of those only; GL_REPOSITORY "project-<id>" gives the id.
    const limit = c.get('principal').projects;
    if (!tokenAllowsProject(limit, { path: req.project_path, id: /^project-(\d+)$/.exec(req.gl_repository ?? '')?.[1] ?? null })) {
      throw new AppError('forbidden', `this token may check pushes only for ${limit!.join(', ').slice(0, 512)}; nothing about ${req.project_path.slice(0, 256)} was recorded`);
    }
    if (req.unchecked !== undefined) return c.json(await recordUnchecked(deps, req, req.unchecked), 200);
    const agents = await listAgentAccounts(deps.sql);
    // The git identities configured for OTLP agents are agent identities too: their commits need a trailer.
    const otlpAgents = deps.config.otlp.agentIdentities;
    const patterns = [...deps.config.gitlab.agentUsernames, ...otlpAgents.flatMap((a) => a.patterns)];
    const isAgent = createAgentMatcher({ patterns, known: agents });
    const result: PushCheckResult = await checkPush(req, {
      isAgent: (identity) => isAgent(identity),
      isAgentPusher: createAgentPusherMatcher({ patterns, known: agents }),
      otlpAgentIdentity: (agent) => {
        const entry = otlpAgents.find((a) => a.agent === agent.toLowerCase());
        if (entry === undefined) return null;
        const isIdentity = createAgentMatcher({ patterns: entry.patterns, known: [] });
        const isPusher = createAgentPusherMatcher({ patterns: entry.patterns, known: [] });
        return (who) => ('username' in who ? isPusher({ username: who.username, glId: null }) : isIdentity(who));
      },
      sessions: async (ids) => new Map((await sessionsByIds(deps.sql, ids)).map((s) => [s.sessionId, s])),
      now: new Date(),
    });
    if (req.dry_run === true) {
      const p = c.get('principal');
      result.event_id = await recordDryRun(deps, req, result, { token_id: p.tokenId, role: p.role });
    } else {
      const sessionIds = Object.keys(result.sessions);
      result.event_id = await recordDecision(deps, req, {
        eventId: randomUUID(),
        rejected: result.decision === 'rejected',
        // A push serving one session shows on that session's timeline.
        sessionId: sessionIds.length === 1 ? sessionIds[0]! : null,
        occurredAt: new Date().toISOString(),
        data: {
          accepted: result.decision === 'accepted' || req.mode === 'warn',
          commits: result.commits,
          agent_commits: result.agent_commits,
          sessions: result.sessions,
          findings: result.findings,
        },
      });
    }
    deps.metrics.inc('flowtrail_push_checks_total', { decision: req.dry_run === true ? 'dry_run' : result.decision, mode: req.mode });
    return c.json(result, 200);
  });
  return app;
}

/** The audit event of a push decision, sanitized (trailers and names are the pusher's input). */
async function recordDecision(deps: AppDeps, req: PushCheckRequest, d: { eventId: string; rejected: boolean; dryRun?: true; sessionId: string | null; occurredAt: string; data: Record<string, unknown> }): Promise<string> {
  const event = sanitizeEvent(deps.sanitizer, {
    eventId: d.eventId,
    type: d.dryRun === true ? 'duo_flow_push_dry_run' : d.rejected ? 'duo_flow_push_rejected' : 'duo_flow_push_checked',
    sessionId: d.sessionId,
    occurredAt: d.occurredAt,
    source: 'git_hook',
    sourceType: 'pre-receive',
    sourceId: req.gl_repository ?? undefined,
    projectPath: req.project_path,
    username: req.username,
    data: {
      mode: req.mode,
      protocol: req.protocol,
      pusher: { username: req.username, gl_id: req.gl_id },
      project: { path: req.project_path, repository: req.gl_repository },
      refs: req.refs,
      ...d.data,
    },
  });
  await deps.integrator.append([event]);
  return event.eventId;
}

/**
 * A push the hook decided alone while the service was unreachable, reported
 * when it could reach it again: recorded as it happened (when, why, what the
 * fail policy decided), never checked after the fact. The report id makes a
 * repeated report a duplicate, not a second event.
 */
async function recordUnchecked(deps: AppDeps, req: PushCheckRequest, u: UncheckedPush): Promise<PushCheckResult> {
  const eventId = await recordDecision(deps, req, {
    eventId: u.report_id,
    rejected: !u.accepted,
    sessionId: null,
    occurredAt: new Date(u.decided_at).toISOString(),
    data: { accepted: u.accepted, unchecked: true, reason: u.reason, commits: req.commits.length, agent_commits: null, sessions: {}, findings: [] },
  });
  deps.metrics.inc('flowtrail_push_checks_total', { decision: u.accepted ? 'unchecked_accepted' : 'unchecked_rejected', mode: req.mode });
  return { decision: u.accepted ? 'accepted' : 'rejected', mode: req.mode, commits: req.commits.length, agent_commits: 0, sessions: {}, findings: [], event_id: eventId };
}

/** Findings kept in a dry run's record; a history walk may find many more (all are counted). */
const MAX_DRY_RUN_FINDINGS = 1000;

/** A question without a push (verify-repo): who asked and what the service found, recorded, never a decision. */
async function recordDryRun(deps: AppDeps, req: PushCheckRequest, result: PushCheckResult, askedBy: { token_id: string; role: string }): Promise<string> {
  const byCode: Record<string, number> = {};
  for (const f of result.findings) byCode[f.code] = (byCode[f.code] ?? 0) + 1;
  return recordDecision(deps, req, {
    eventId: randomUUID(),
    rejected: false,
    dryRun: true,
    sessionId: null,
    occurredAt: new Date().toISOString(),
    data: {
      dry_run: true,
      asked_by: askedBy,
      references: req.references ?? 'agent',
      commits: result.commits,
      agent_commits: result.agent_commits,
      sessions: result.sessions,
      findings: result.findings.slice(0, MAX_DRY_RUN_FINDINGS),
      findings_total: result.findings.length,
      findings_by_code: byCode,
    },
  });
}
