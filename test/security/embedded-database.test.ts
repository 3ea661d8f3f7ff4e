import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, readlink, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { http, passthrough } from 'msw';
import pino from 'pino';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startService, type Service } from '../../src/service.js';
import { server as msw } from '../support/msw.js';

// The embedded database (PGlite) has no passwords: every client is its
// superuser. These tests play another local process and another local user.

/** TCP ports this process listens on, read from /proc (what `ss -ltnp` would show for it). */
async function listeningPorts(): Promise<number[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(join('/proc/self/fd', fd)).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m) inodes.add(m[1]!);
  }
  const ports: number[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    const lines = (await readFile(file, 'utf8').catch(() => '')).split('\n').slice(1);
    for (const line of lines) {
      const cols = line.trim().split(/\s+/);
      // local_address is HEX_IP:HEX_PORT; state 0A is LISTEN; inode is the tenth column.
      if (cols.length > 9 && cols[3] === '0A' && inodes.has(cols[9]!)) ports.push(parseInt(cols[1]!.split(':')[1]!, 16));
    }
  }
  return [...new Set(ports)];
}

describe('the embedded database', () => {
  let dir: string;
  let service: Service;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flowtrail-embedded-'));
    const config = loadConfig({ FLOWTRAIL_DATA_DIR: join(dir, 'data'), FLOWTRAIL_PORT: '0', FLOWTRAIL_LOG_LEVEL: 'silent' });
    service = await startService(config, pino({ level: 'silent' }));
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on no TCP port that the postgres driver can open', { timeout: 30_000 }, async () => {
    msw.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    const ports = await listeningPorts();
    const httpPort = Number(new URL(service.url).port);
    // The service's own HTTP port is found, so the scan works; every port found is tried.
    expect(ports).toContain(httpPort);
    for (const port of ports) {
      const client = postgres({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', max: 1, connect_timeout: 3, idle_timeout: 1, onnotice: () => {} });
      // An HTTP port never answers the startup message: no answer within 3 s is as good as a refusal.
      const outcome = await Promise.race([
        client`select current_user`.then(() => 'opened', () => 'refused'),
        new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), 3000)),
      ]);
      await client.end({ timeout: 0 }).catch(() => undefined);
      expect({ port, opened: outcome === 'opened' }).toEqual({ port, opened: false });
    }
  });

  it('serves its socket only inside a directory that only its own user may enter', async () => {
    const dataDir = join(dir, 'data');
    const runDirs = (await readdir(dataDir)).filter((n) => n.startsWith('run-'));
    expect(runDirs).toHaveLength(1);
    const runDir = join(dataDir, runDirs[0]!);
    expect((await stat(runDir)).mode & 0o777).toBe(0o700);
    expect((await stat(dataDir)).mode & 0o077).toBe(0);
    const socket = join(runDir, '.s.PGSQL.5432');
    expect((await stat(socket)).isSocket()).toBe(true);
  });

  it.runIf(process.getuid?.() === 0)('refuses another local user who tries its socket', async () => {
    const dataDir = join(dir, 'data');
    const runDir = (await readdir(dataDir)).find((n) => n.startsWith('run-'))!;
    const socket = join(dataDir, runDir, '.s.PGSQL.5432');
    const script = `require('net').connect(${JSON.stringify(socket)}).on('connect', () => { console.log('connected'); process.exit(0); }).on('error', (e) => { console.log(e.code); process.exit(1); });`;
    // The same connection attempt as user nobody (65534), then as root: only root gets in.
    const asNobody = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' });
    expect(asNobody.stdout.trim()).toBe('EACCES');
    const asOwner = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', cwd: '/' });
    expect(asOwner.stdout.trim()).toBe('connected');
  });
});
