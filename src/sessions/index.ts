export { replaySession, type SessionState, type TimelineEntry, type Violation } from './replay-session.js';
export { resolveOwnership, GITLAB_SOURCES, type Ownership } from './resolve-ownership.js';
