import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { http, passthrough } from 'msw';
import { describe, expect, it } from 'vitest';
import { cliRunner, useCliEnv } from '../support/cli.js';
import { server } from '../support/msw.js';
import { target } from '../support/pg.js';

const bin = fileURLToPath(new URL('../../dist/src/cli/bin.js', import.meta.url));
const ajv = new Ajv({ allErrors: true, strict: false });
addFormats.default(ajv);
const validateOscal = ajv.compile(JSON.parse(readFileSync(new URL('../../schemas/oscal/oscal_complete_schema-1.1.3.json', import.meta.url), 'utf8')) as object);
const day = (d: number) => new Date(Date.now() + d * 86_400_000).toISOString().slice(0, 10);

describe('flowtrail report', () => {
  const env = useCliEnv('report');
  const run = cliRunner(env);

  it('says what is wrong and exits 2 for a bad framework, format or date; --help exits 0', async () => {
    expect(await run('report', '--framework', 'pci', '--from', day(-1), '--to', day(1))).toMatchObject({ code: 2, out: expect.stringMatching(/--framework must be one of soc2, iso27001, iso42001, fedramp, eu-ai-act/) });
    expect(await run('report', '--framework', 'soc2', '--from', day(-1), '--to', day(1), '--format', 'docx')).toMatchObject({ code: 2, out: expect.stringMatching(/--format must be one of html, pdf, oscal/) });
    expect(await run('report', '--framework', 'soc2', '--from', 'last week', '--to', day(1))).toMatchObject({ code: 2, out: expect.stringMatching(/--from must be a date/) });
    expect(await run('report', '--framework', 'soc2', '--from', day(1), '--to', day(-1))).toMatchObject({ code: 2, out: expect.stringMatching(/from must be before to/) });
    expect(await run('report', '--help')).toMatchObject({ code: 0, out: expect.stringMatching(/^Usage: flowtrail report --framework/) });
  });

  it('writes a schema-valid OSCAL pack from its own database and records it', async () => {
    expect((await run('token', 'create', '--role', 'auditor')).code).toBe(0);
    const out = join(env.FLOWTRAIL_DATA_DIR!, 'pack.oscal.json');
    const r = await run('report', '--framework', 'iso27001', '--from', day(-1), '--to', day(1), '--format', 'oscal', '--out', out);
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/^flowtrail report: iso27001 oscal written to .*pack\.oscal\.json, sha256 [0-9a-f]{64}, signed checkpoint of tree size \d+$/);
    expect(validateOscal(JSON.parse(readFileSync(out, 'utf8')))).toBe(true);
    const exported = join(env.FLOWTRAIL_DATA_DIR!, 'events.ndjson');
    expect((await run('export', '--format', 'ndjson', '--type', 'evidence_pack_generated', '--out', exported)).code).toBe(0);
    const events = readFileSync(exported, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { data: Record<string, unknown> });
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ framework: 'iso27001', format: 'oscal', channel: 'cli', sha256: /sha256 ([0-9a-f]{64})/.exec(r.out)![1] });
  });

  it.runIf(target === 'pglite')('goes through the running service while serve holds the embedded database', { timeout: 60_000 }, async () => {
    server.use(http.all(/^http:\/\/127\.0\.0\.1:\d+\//, () => passthrough()));
    const child: ChildProcess = spawn(process.execPath, [bin, 'serve'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const serveJson = join(env.FLOWTRAIL_DATA_DIR!, 'serve.json');
      for (let i = 0; i < 600 && !existsSync(serveJson); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(serveJson)).toBe(true);
      const out = join(env.FLOWTRAIL_DATA_DIR!, 'pack.html');
      const r = await run('report', '--framework', 'soc2', '--from', day(-1), '--to', day(1), '--out', out);
      expect(r.code, r.out).toBe(0);
      expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*CC6\.1: Logical access security/);
      const refused = await run('report', '--framework', 'soc2', '--from', '2000-01-01', '--to', day(1));
      expect(refused).toMatchObject({ code: 2, out: expect.stringMatching(/^flowtrail report: a pack covers at most 1098 days$/m) });
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
