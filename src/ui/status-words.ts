/** A session's status as the pages say it. */
const WORDS: Record<string, string> = {
  created: 'Created', running: 'Running', paused: 'Paused', completed: 'Completed', failed: 'Failed', stopped: 'Stopped',
};

export function statusWords(status: string): string {
  return Object.hasOwn(WORDS, status) ? WORDS[status]! : status;
}
