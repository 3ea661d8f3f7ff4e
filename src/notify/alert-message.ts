import { cardText, chatText } from './chat-text.js';
import type { AlertFacts } from './describe-alert.js';

/** The largest `alert.data` sent as it is; a larger one is left out (`data_truncated: true`) and read in flowtrail. */
const MAX_DATA_BYTES = 16 * 1024;

/** The parts of a sentence about an alert, each already escaped by `esc`. */
function sentence(a: AlertFacts, esc: (s: string) => string): string {
  const what = `flowtrail alert: ${esc(a.name)}${a.kind === null ? '' : ` (${esc(a.kind)})`}`;
  const where = [
    a.projectPath === null ? null : `in ${esc(a.projectPath)}`,
    a.sessionId === null ? null : `session ${esc(a.sessionId)}`,
    a.username === null ? null : `started by ${esc(a.username)}`,
  ].filter((p) => p !== null);
  const why = a.detail === null ? '' : `: ${esc(a.detail)}`;
  return `${what}${where.length === 0 ? '' : ` ${where.join(', ')}`}${why}.`;
}

/**
 * One JSON body that chat incoming webhooks accept as they are:
 * - `text` for Slack, Mattermost and Teams' Office 365 connectors: a sentence
 *   (what, where, who, why) and the link to the page, every value from the
 *   alert escaped (src/notify/chat-text.ts);
 * - `attachments[0]` both a Slack/Mattermost attachment (`fallback`, `color`,
 *   `title`, `title_link`, `fields`) and, through `contentType` and `content`,
 *   the Adaptive Card that Teams Workflows ("post to a channel when a webhook
 *   request is received") posts; each platform ignores the other's keys;
 * - `alert` for programs: the id (log position), type, kind, session,
 *   project, person, times, link and the sanitized data as recorded.
 */
export function alertMessage(a: AlertFacts): Record<string, unknown> {
  const text = `${sentence(a, chatText)} ${a.url}`;
  const facts = [
    ['Alert', `${a.type} #${a.id}`], ['Project', a.projectPath], ['Session', a.sessionId], ['Person', a.username], ['Occurred', a.occurredAt],
  ].filter((f): f is [string, string] => f[1] !== null);
  const dataJson = JSON.stringify(a.data);
  const tooLarge = Buffer.byteLength(dataJson) > MAX_DATA_BYTES;
  return {
    text,
    attachments: [{
      fallback: text,
      color: '#d93f0b',
      title: `flowtrail alert: ${chatText(a.name)}`,
      title_link: a.url,
      text: a.detail === null ? undefined : chatText(a.detail, 1000),
      fields: facts.map(([title, value]) => ({ title, value: chatText(value), short: true })),
      contentType: 'application/vnd.microsoft.card.adaptive',
      content: {
        $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
        type: 'AdaptiveCard',
        version: '1.4',
        body: [
          { type: 'TextBlock', size: 'Medium', weight: 'Bolder', text: `flowtrail alert: ${cardText(a.name)}`, wrap: true },
          { type: 'TextBlock', text: sentence(a, cardText), wrap: true },
          { type: 'FactSet', facts: facts.map(([title, value]) => ({ title, value: cardText(value) })) },
        ],
        actions: [{ type: 'Action.OpenUrl', title: 'Open in flowtrail', url: a.url }],
      },
    }],
    alert: {
      id: a.id, event_id: a.eventId, type: a.type, kind: a.kind, session_id: a.sessionId, project_path: a.projectPath, username: a.username,
      occurred_at: a.occurredAt, recorded_at: a.recordedAt, url: a.url,
      ...(tooLarge ? { data: null, data_truncated: true } : { data: a.data }),
    },
  };
}
