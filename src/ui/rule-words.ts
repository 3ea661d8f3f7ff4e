import { humanize } from './event-words.js';

/** The lifecycle and ownership rules a session's events can break, in words. */
const WORDS: Record<string, string> = {
  resumed_without_pause: 'Resumed without a pause',
  after_terminal: 'Event after the session ended',
  before_started: 'Event before the session started',
  initiator_conflict: 'Names another initiator than the session has',
  initiator_overridden: "Initiator replaced by GitLab's word",
  project_conflict: 'Names another project than the session has',
  project_overridden: "Project replaced by GitLab's word",
};

/** A lifecycle flag in words: `resumed_without_pause` → "Resumed without a pause". */
export function ruleWords(rule: string): string {
  return Object.hasOwn(WORDS, rule) ? WORDS[rule]! : humanize(rule);
}
