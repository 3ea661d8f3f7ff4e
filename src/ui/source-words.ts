/** Where an event came from, in words. */
const SOURCES: Record<string, string> = {
  flow_api: 'Flow-event API', gitlab_audit_stream: 'GitLab audit stream', gitlab_webhook: 'GitLab webhook',
  git_hook: 'Git hook', gitlab_archive: 'Copied from GitLab', system: 'flowtrail',
};

export function sourceWords(source: string): string {
  return Object.hasOwn(SOURCES, source) ? SOURCES[source]! : source;
}
