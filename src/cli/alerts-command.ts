import { randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import { alertMessage, postAlertWebhook, webhookOrigin, type AlertFacts } from '../notify/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './cli-error.js';

export const alertsUsage = `Usage:
  flowtrail alerts test-webhook

Posts a sample alert message to FLOWTRAIL_ALERT_WEBHOOK_URL, signed with
FLOWTRAIL_ALERT_WEBHOOK_SECRET, exactly as a real alert is sent (its "alert.type"
is "test"), and says what the receiver answered. Nothing is recorded.
Exit status 0 when the receiver answered 2xx, 1 otherwise.`;

/** A sample alert for the test message: every field a real one has, none from the log. */
function sampleAlert(publicUrl: string): AlertFacts {
  const now = new Date().toISOString();
  return {
    id: 0, eventId: randomUUID(), type: 'test', name: 'test message', kind: null, sessionId: null, projectPath: null, username: null,
    occurredAt: now, recordedAt: now, url: `${publicUrl.replace(/\/+$/, '')}/admin/duo_agent_platform/audit`,
    detail: 'flowtrail alerts test-webhook: the alert webhook is reachable', data: {},
  };
}

export async function alertsCommand(argv: string[], config: Config, out: (s: string) => void, err: (s: string) => void): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === '--help' || sub === '-h') {
    out(alertsUsage);
    return 0;
  }
  if (sub !== 'test-webhook') throw new UsageError(`${sub === undefined ? 'an alerts command is required' : `unknown alerts command "${sub}"`}\n${alertsUsage}`);
  const { values } = parseCommandArgs(rest, {}, 0);
  if (values.help === true) {
    out(alertsUsage);
    return 0;
  }
  const { webhookUrl, webhookSecret, timeoutSeconds } = config.alertNotifications;
  if (webhookUrl === undefined || webhookSecret === undefined) throw new UsageError('FLOWTRAIL_ALERT_WEBHOOK_URL and FLOWTRAIL_ALERT_WEBHOOK_SECRET are not set');
  const alert = sampleAlert(config.http.publicUrl);
  try {
    await postAlertWebhook({ url: webhookUrl, secret: webhookSecret, timeoutMs: timeoutSeconds * 1000 }, alert.eventId, alertMessage(alert));
  } catch (e) {
    err(`flowtrail: the alert webhook did not take the test message: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  out(`sent a test message to ${webhookOrigin(webhookUrl)} (webhook-id ${alert.eventId}); the receiver answered 2xx`);
  return 0;
}
