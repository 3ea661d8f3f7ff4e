export { deterministicUuid } from './deterministic-uuid.js';
export { mapFlowCallback, type MappedCallback } from './map-flow-callback.js';
export { parseTrailers, sessionReferences, type Trailer } from './parse-trailers.js';
export { createAgentMatcher, globToRegExp, type AgentDirectory } from './agent-identity.js';
export { correlatePush, type PushCorrelation, type SessionInfo } from './correlate-push.js';
export { createGitlabClient, type GitlabClient, type GitlabClientOptions, type GitlabCommit } from './gitlab-client.js';
export { GitlabError } from './gitlab-error.js';
export { parseTrace, type ParsedTrace, type ChatEntry } from './parse-trace.js';
export { correlateNote, parseGitlabTime } from './correlate-note.js';
