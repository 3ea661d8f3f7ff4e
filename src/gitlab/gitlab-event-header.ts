// The values GitLab sends in X-Gitlab-Event: project, group and system
// webhooks (GitLab's "Webhook events" and "System hooks" docs) and the Duo
// Agent Platform flow callback. The delivery dispatch table is checked
// against this list, so a misspelt header name does not compile.

export const GITLAB_EVENT_HEADERS = [
  'Push Hook', 'Tag Push Hook', 'Issue Hook', 'Confidential Issue Hook', 'Note Hook', 'Confidential Note Hook',
  'Merge Request Hook', 'Wiki Page Hook', 'Pipeline Hook', 'Job Hook', 'Deployment Hook', 'Feature Flag Hook',
  'Release Hook', 'Milestone Hook', 'Emoji Hook', 'Resource Access Token Hook', 'Member Hook', 'Project Hook',
  'Subgroup Hook', 'Vulnerability Hook', 'System Hook', 'Duo Flow Callback',
] as const;

export type GitlabEventHeader = (typeof GITLAB_EVENT_HEADERS)[number];

export function isGitlabEventHeader(s: string): s is GitlabEventHeader {
  return (GITLAB_EVENT_HEADERS as readonly string[]).includes(s);
}
