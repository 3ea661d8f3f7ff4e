export { generateToken, hashToken, createApiToken, revokeApiToken, listApiTokens, type Actor, type CreateTokenInput } from './api-tokens.js';
export { createAuthenticator, can, type Authenticator, type Principal, type Permission } from './authenticate.js';
export { tokenAllowsProject, type ProjectRef } from './token-allows-project.js';
export { createWebSessions, deriveCookieKey, type WebSessions, type SignedIn } from './web-sessions.js';
export { createGitlabOAuth, type GitlabOAuth, type GitlabUser } from './gitlab-oauth.js';
