import type { Logger } from 'pino';
import type { Principal } from '../auth/index.js';
import type { Pool } from '../store/index.js';

/** What every resolver gets: the database, who asks, and where to log. Built per request. */
export interface GraphqlContext {
  sql: Pool;
  principal: Principal;
  log: Logger;
}
