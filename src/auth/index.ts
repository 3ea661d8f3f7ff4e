export { generateToken, hashToken, createApiToken, revokeApiToken, listApiTokens, type Actor, type CreateTokenInput } from './api-tokens.js';
export { createAuthenticator, can, type Authenticator, type Principal, type Permission } from './authenticate.js';
