import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import postgres from 'postgres';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { acquireDirLock, type DirLock } from './dir-lock.js';

/** The pool (which can begin transactions). */
export type Pool = postgres.Sql<Record<string, unknown>>;
/** Anything queries run on: the pool or a transaction. Store functions take this. */
export type Sql = Pool | postgres.TransactionSql<Record<string, unknown>>;
export type DatabaseKind = 'postgres' | 'pglite';

export interface Database {
  readonly sql: Pool;
  readonly kind: DatabaseKind;
  /** Connections the pool may open: 1 on PGlite (its socket multiplexer breaks under concurrent transactions). */
  readonly maxConnections: number;
  close(): Promise<void>;
}

/** dataDir value for a throwaway in-memory PGlite (tests, benchmarks). */
export const MEMORY = 'memory://';

export interface OpenDatabaseOptions {
  url?: string;
  dataDir: string;
  max?: number;
}

// int8 comes back as a JS number: sequence numbers and counts stay far below 2^53.
const bigintAsNumber = {
  to: 20,
  from: [20],
  serialize: (x: number | bigint) => x.toString(),
  parse: (x: string) => Number(x),
};

export function connect(url: string, max: number): Pool {
  return postgres(url, {
    max,
    // Column names only: postgres.camel would also rewrite keys inside JSON values (texts, payloads).
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
    onnotice: () => {},
    types: { bigint: bigintAsNumber },
    connection: { application_name: 'flowtrail' },
  }) as unknown as Pool;
}

/**
 * One code path for both databases: a PostgreSQL URL is used as given; without
 * one, PGlite is opened in the data directory and served to the same `postgres`
 * driver through pglite-socket on a loopback port, with a pool of one.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url !== undefined) {
    const max = options.max ?? 10;
    const sql = connect(options.url, max);
    return { sql, kind: 'postgres', maxConnections: max, close: () => sql.end({ timeout: 5 }) };
  }
  const inMemory = options.dataDir === MEMORY;
  if (!inMemory) await mkdir(options.dataDir, { recursive: true });
  const lock: DirLock = inMemory ? { release: async () => {} } : await acquireDirLock(join(options.dataDir, 'pglite.lock'));
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  try {
    db = await PGlite.create(inMemory ? MEMORY : join(options.dataDir, 'pgdata'));
    server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 2 });
    await server.start();
  } catch (err) {
    await server?.stop();
    await db?.close();
    await lock.release();
    throw err;
  }
  const sql = connect(`postgres://postgres@${server.getServerConn()}/postgres`, 1);
  const pglite = db;
  const socket = server;
  return {
    sql,
    kind: 'pglite',
    maxConnections: 1,
    close: async () => {
      await sql.end({ timeout: 5 });
      await socket.stop();
      await pglite.close();
      await lock.release();
    },
  };
}
