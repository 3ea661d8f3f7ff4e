// Text from the alert (project paths, usernames, reasons: anything a person
// could have chosen, a branch name or a title) made inert before it goes into
// a chat message, so that it cannot add a link, a mention or a broadcast.

const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const WORD_JOINER = '\u2060';

/** One line, at most `max` characters. */
const oneLine = (value: string, max: number) => {
  const flat = value.replace(CONTROL, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/**
 * For Slack mrkdwn, Mattermost and Teams (legacy) markdown at once: `&`, `<`
 * and `>` as Slack's escapes (so `<!channel>`, `<@U…>` and `<url|label>` are
 * shown, never acted on; Mattermost, which turns `<!channel>` into
 * `@channel`, and Teams decode the same entities); a word joiner after every
 * `@` (no `@channel` or `@here` for Mattermost) and between `]` and `(` (no
 * markdown link).
 */
export function chatText(value: string, max = 200): string {
  return oneLine(value, max)
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/@/g, `@${WORD_JOINER}`)
    .replace(/\]\s*\(/g, `]${WORD_JOINER}(`);
}

/** For an Adaptive Card's TextBlock and FactSet (Teams Workflows): markdown links and mentions broken the same way; no entities, which cards show as typed. */
export function cardText(value: string, max = 200): string {
  return oneLine(value, max)
    .replace(/@/g, `@${WORD_JOINER}`)
    .replace(/\]\s*\(/g, `]${WORD_JOINER}(`)
    .replace(/</g, '‹').replace(/>/g, '›');
}
