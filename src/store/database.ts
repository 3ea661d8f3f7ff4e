import { chmod, lstat, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
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
  /** PGlite only: the data directory as a tarball (PGlite's dumpDataDir), for `loadDataDir`. */
  dumpDataDir?(): Promise<Blob>;
}

/** dataDir value for a throwaway in-memory PGlite (tests, benchmarks). */
export const MEMORY = 'memory://';

export interface OpenDatabaseOptions {
  url?: string;
  dataDir: string;
  max?: number;
  /** In-memory PGlite only: start from this dump (Database.dumpDataDir) instead of an empty cluster, as tests clone a migrated template. */
  loadDataDir?: Blob;
}

// int8 comes back as a JS number: sequence numbers and counts stay far below 2^53.
const bigintAsNumber = {
  to: 20,
  from: [20],
  serialize: (x: number | bigint) => x.toString(),
  parse: (x: string) => Number(x),
};

export function connect(url: string, max: number, socketPath?: string): Pool {
  return postgres(url, {
    max,
    ...(socketPath === undefined ? {} : { path: socketPath }),
    // Column names only: postgres.camel would also rewrite keys inside JSON values (texts, payloads).
    transform: { column: { from: postgres.toCamel, to: postgres.fromCamel } },
    onnotice: () => {},
    types: { bigint: bigintAsNumber },
    connection: { application_name: 'flowtrail' },
    // After the database went away, try again within a second (the driver's default waits up to 20 s once a few attempts failed).
    backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
  }) as unknown as Pool;
}

/**
 * One code path for both databases: a PostgreSQL URL is used as given; without
 * one, PGlite is opened in the data directory and served to the same `postgres`
 * driver through pglite-socket, with a pool of one. PGlite has no passwords and
 * every client is its superuser, so it listens on no TCP port: only on a Unix
 * socket inside a directory that only this user can enter (0700), created
 * fresh by this process (see privateSocketDir).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Database> {
  if (options.url !== undefined) {
    const max = options.max ?? 10;
    const sql = connect(options.url, max);
    return { sql, kind: 'postgres', maxConnections: max, close: () => sql.end({ timeout: 5 }) };
  }
  const inMemory = options.dataDir === MEMORY;
  if (!inMemory) await mkdir(options.dataDir, { recursive: true, mode: 0o700 });
  const lock: DirLock = inMemory ? { release: async () => {} } : await acquireDirLock(join(options.dataDir, 'pglite.lock'));
  // Socket directories a killed process left behind (the lock says none is in use now).
  if (!inMemory) await removeStaleSocketDirs(options.dataDir);
  let db: PGlite | undefined;
  let server: PGLiteSocketServer | undefined;
  let socketDir: string | undefined;
  try {
    socketDir = await privateSocketDir(inMemory ? undefined : options.dataDir);
    db = await PGlite.create(inMemory ? MEMORY : join(options.dataDir, 'pgdata'), inMemory && options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {});
    server = new PGLiteSocketServer({ db, path: join(socketDir, SOCKET_NAME), maxConnections: 2 });
    await server.start();
    await chmod(join(socketDir, SOCKET_NAME), 0o600);
  } catch (err) {
    await server?.stop();
    await db?.close();
    if (socketDir !== undefined) await rm(socketDir, { recursive: true, force: true });
    await lock.release();
    throw err;
  }
  const sql = connect('postgres://postgres@localhost/postgres', 1, join(socketDir, SOCKET_NAME));
  const pglite = db;
  const socket = server;
  const dir = socketDir;
  return {
    sql,
    kind: 'pglite',
    maxConnections: 1,
    dumpDataDir: () => pglite.dumpDataDir('none'),
    close: async () => {
      await sql.end({ timeout: 5 });
      await socket.stop();
      await pglite.close();
      await rm(dir, { recursive: true, force: true });
      await lock.release();
    },
  };
}

const SOCKET_NAME = '.s.PGSQL.5432';
// sockaddr_un holds 108 bytes with the terminating NUL.
const MAX_SOCKET_PATH = 100;

/**
 * A new directory for the embedded database's socket, mode 0700 and owned by
 * this process's user: `<dataDir>/run-<random>` (mkdtemp creates it 0700 and
 * fails rather than reuse a path someone else made), or one under the system's
 * temp directory when there is no data directory or its path is too long for a
 * socket address. Nothing another user planted can be reused: a fresh name
 * each start, checked after creation to be a real directory of ours.
 */
export async function privateSocketDir(dataDir: string | undefined): Promise<string> {
  const parent = dataDir !== undefined && join(dataDir, 'run-XXXXXX', SOCKET_NAME).length <= MAX_SOCKET_PATH ? dataDir : tmpdir();
  const dir = await mkdtemp(join(parent, dataDir !== undefined && parent === dataDir ? 'run-' : 'flowtrail-db-'));
  const st = await lstat(dir);
  if (!st.isDirectory() || (st.mode & 0o077) !== 0 || (process.getuid !== undefined && st.uid !== process.getuid())) {
    throw new Error(`the embedded database's socket directory ${dir} is not a private directory of this user`);
  }
  return dir;
}

async function removeStaleSocketDirs(dataDir: string): Promise<void> {
  for (const name of await readdir(dataDir)) {
    if (/^run-[A-Za-z0-9]{6}$/.test(name)) await rm(join(dataDir, name), { recursive: true, force: true });
  }
}

/** Resolves when the database answers a query; throws when it does not (readiness). */
export async function pingDatabase(sql: Sql): Promise<void> {
  await sql`select 1`;
}
