import type { Logger } from 'pino';
import { toView } from '../audit/index.js';
import { coerceError } from '../errors.js';
import { ALERT_TYPES } from '../events.js';
import type { GitlabClient } from '../gitlab/index.js';
import { createLease } from '../jobs/index.js';
import {
  advanceNotifier, countAttempt, logSize, nextAlert, openNotifier, readNotifier, recordNotified, recordNotifyFailure, type NotificationRow, type NotifyChannel, type Pool,
} from '../store/index.js';
import { alertMessage } from './alert-message.js';
import { hasMarker, issueDescription, issueMarker, issueTitle } from './alert-issue.js';
import { describeAlert, type AlertFacts } from './describe-alert.js';
import { postAlertWebhook, webhookOrigin, type AlertWebhook } from './post-alert-webhook.js';

export interface AlertNotifierOptions {
  sql: Pool;
  publicUrl: string;
  /** The log's origin: part of each issue's marker. */
  origin: string;
  webhook?: AlertWebhook;
  issues?: { gitlab: GitlabClient; project: string; labels: readonly string[] };
  log?: Logger;
  /** How often an idle channel looks for new alerts (kick() wakes it sooner). */
  pollMs?: number;
  /** The longest wait between two failed tries (exponential from 1 s, with jitter). */
  maxBackoffMs?: number;
  leaseTtlSeconds?: number;
  leaseRenewMs?: number;
  /** After each alert sent or try failed, for /metrics. */
  onOutcome?: (channel: NotifyChannel, outcome: 'sent' | 'failed') => void;
}

export interface AlertNotifier {
  /** The channels configured (for the metrics). */
  readonly channels: readonly NotifyChannel[];
  /**
   * Opens each channel's cursor (a channel seen for the first time starts at
   * the end of the log, so from this moment on every alert is announced),
   * then starts the loops.
   */
  start(): Promise<void>;
  /** New events are in the log: idle channels look at once. */
  kick(): void;
  stop(): Promise<void>;
}

type Deliver = (alert: AlertFacts, previous: NotificationRow) => Promise<{ iid: number; url: string } | undefined>;

/**
 * Announces each new alert on every configured channel: the alert webhook
 * and GitLab issues. Each channel is a loop of its own with a durable cursor
 * (alert_notifiers) and a lease (`alert-notify:<channel>`), so across
 * replicas one process sends, in log order, at least once; an alert that
 * fails is tried again with backoff before any later one, and a failing
 * channel never holds up the other, nor ingest.
 */
export function createAlertNotifier(o: AlertNotifierOptions): AlertNotifier {
  const pollMs = o.pollMs ?? 500;
  const maxBackoffMs = o.maxBackoffMs ?? 300_000;
  /** Sleepers kick() wakes (idle channels), and those only stop() wakes (backoff after a failure). */
  const wakers = new Set<() => void>();
  const backingOff = new Set<() => void>();
  const loops: { stop(): Promise<void> }[] = [];
  const sleep = (ms: number, set = wakers) => new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(t);
      set.delete(done);
      resolve();
    };
    const t = setTimeout(done, ms);
    set.add(done);
  });
  let running = false;

  const delivers: Partial<Record<NotifyChannel, Deliver>> = {};
  const webhook = o.webhook;
  if (webhook !== undefined) delivers.webhook = async (a) => {
    await postAlertWebhook(webhook, a.eventId, alertMessage(a));
    return undefined;
  };
  const issues = o.issues;
  if (issues !== undefined) delivers.gitlab_issue = async (a, previous) => {
    const marker = issueMarker(o.origin, a.id);
    // A try before this one may have opened the issue and died before recording it.
    if (previous.attempts > 1) {
      const found = (await issues.gitlab.issuesWithText(issues.project, marker)).find((i) => hasMarker(i.description, marker));
      if (found !== undefined) return { iid: found.iid, url: found.webUrl };
    }
    const created = await issues.gitlab.createIssue(issues.project, { title: issueTitle(a), description: issueDescription(a, marker), labels: issues.labels });
    return { iid: created.iid, url: created.webUrl };
  };
  const channels = Object.keys(delivers) as NotifyChannel[];

  /** One step of a channel: the next alert after its cursor, sent and recorded; 'idle' when none waits. */
  async function step(channel: NotifyChannel, deliver: Deliver): Promise<'sent' | 'idle'> {
    const head = await logSize(o.sql);
    const notifier = (await readNotifier(o.sql, channel)) ?? (await openNotifier(o.sql, channel, head - 1));
    const row = await nextAlert(o.sql, ALERT_TYPES, notifier.cursorSeq, head);
    if (row === null) {
      if (head - 1 > notifier.cursorSeq) await advanceNotifier(o.sql, channel, notifier.cursorSeq, head - 1, 0);
      return 'idle';
    }
    const view = toView(row);
    // A purged alert has nothing left to tell.
    if (view.purged === true) {
      await advanceNotifier(o.sql, channel, notifier.cursorSeq, row.seq, 0);
      return 'sent';
    }
    const previous = await countAttempt(o.sql, row.seq, channel);
    if (previous.sentAt === null) {
      try {
        const facts = describeAlert(view, { projectPath: row.sessionProjectPath, username: row.sessionUsername }, o.publicUrl);
        await recordNotified(o.sql, row.seq, channel, await deliver(facts, previous));
      } catch (err) {
        const message = coerceError(err).message.slice(0, 500);
        await recordNotifyFailure(o.sql, row.seq, channel, message);
        throw err;
      }
    }
    if (await advanceNotifier(o.sql, channel, notifier.cursorSeq, row.seq, 1)) o.onOutcome?.(channel, 'sent');
    return 'sent';
  }

  function startLoop(channel: NotifyChannel, deliver: Deliver) {
    const lease = createLease({ sql: o.sql, name: `alert-notify:${channel}`, ttlSeconds: o.leaseTtlSeconds, renewMs: o.leaseRenewMs, log: o.log });
    void lease.renew();
    const renewal = setInterval(() => void lease.renew(), o.leaseRenewMs ?? 10_000);
    renewal.unref();
    let failures = 0;
    const where = channel === 'webhook' ? { webhook: webhookOrigin(webhook!.url) } : { project: issues!.project };
    const loop = (async () => {
      while (running) {
        if (!lease.held()) {
          await sleep(pollMs * 4);
          continue;
        }
        try {
          const outcome = await step(channel, deliver);
          failures = 0;
          if (outcome === 'idle') await sleep(pollMs);
        } catch (err) {
          failures++;
          o.onOutcome?.(channel, 'failed');
          o.log?.warn({ channel, ...where, error: coerceError(err).message, failures }, 'could not announce an alert; will try it again');
          // Exponential from 1 s with jitter; kick() does not cut it short.
          await sleep(Math.min(maxBackoffMs, 1000 * 2 ** Math.min(failures - 1, 16)) * (0.8 + Math.random() * 0.4), backingOff);
        }
      }
    })();
    return {
      async stop() {
        clearInterval(renewal);
        await loop;
        await lease.stop();
      },
    };
  }

  return {
    channels,
    async start() {
      if (running) return;
      running = true;
      const end = (await logSize(o.sql)) - 1;
      for (const channel of channels) await openNotifier(o.sql, channel, end);
      for (const channel of channels) loops.push(startLoop(channel, delivers[channel]!));
    },
    kick() {
      for (const wake of [...wakers]) wake();
    },
    async stop() {
      running = false;
      for (const wake of [...wakers, ...backingOff]) wake();
      await Promise.all(loops.splice(0).map((l) => l.stop()));
    },
  };
}
