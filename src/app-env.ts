import type { Logger } from 'pino';
import type { Config } from './config.js';
import type { Principal, Authenticator, WebSessions } from './auth/index.js';
import type { JobRunner } from './jobs/index.js';
import type { Integrator } from './log/index.js';
import type { Metrics } from './metrics.js';
import type { Sanitizer } from './sanitize/index.js';
import type { NoteVerifier } from './integrity/index.js';
import type { DatabaseKind, Pool } from './store/index.js';
import type { Streamer } from './stream/index.js';

/** Everything the HTTP app needs, built once in main.ts (or a test). */
export interface AppDeps {
  config: Config;
  sql: Pool;
  dbKind: DatabaseKind;
  sanitizer: Sanitizer;
  integrator: Integrator;
  authenticator: Authenticator;
  /** Browser sessions of the pages (signed cookie, row in web_sessions). */
  webSessions: WebSessions;
  metrics: Metrics;
  log: Logger;
  verifiers: NoteVerifier[];
  /** The log's origin (stored in the database at first start). */
  origin: string;
  /** The worker that processes webhook deliveries (absent where nothing processes them, e.g. some tests). */
  jobRunner?: JobRunner;
  /** The key streaming destinations' tokens are sealed with (absent: only env:NAME tokens can be set). */
  secretsKey?: Buffer;
  /** The delivery loop of the streaming destinations (absent where nothing streams, e.g. some tests). */
  streamer?: Streamer;
}

export interface AppEnv {
  Variables: {
    principal: Principal;
    requestId: string;
  };
}
