import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyDatabase } from '../../src/audit/index.js';
import { generateSigningKey } from '../../src/integrity/index.js';
import { openDatabase, type Pool } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { cliRunner } from '../support/cli.js';
import { at, flowEvent, startedEvent } from '../support/flow-events.js';
import { createTestDatabase, target } from '../support/pg.js';
import { WebClient } from '../support/web.js';

// An attacker with write access to the database (here: a superuser who sets the
// purge switch the append-only triggers honour) alters one stored byte that a
// reader is shown. Plain `flowtrail verify` must report it and the session page
// must show it; each case fails if the alteration goes unnoticed.
type Case = { what: string; alter: (tx: Pool, seq: { started: number; decision: number }) => Promise<unknown>; problem: RegExp };

const cases: Case[] = [
  { what: 'a prompt text', alter: (tx, s) => tx`update audit_events set texts = jsonb_set(texts, '{input_prompt}', '"Delete the ledger"') where seq = ${s.started}`, problem: /text "input_prompt" of seq \d+ does not match the commitment/ },
  { what: 'a decision text', alter: (tx, s) => tx`update audit_events set texts = jsonb_set(texts, '{decision}', '"Ship without tests"') where seq = ${s.decision}`, problem: /text "decision" of seq \d+ does not match the commitment/ },
  { what: 'the event_id column', alter: (tx, s) => tx`update audit_events set event_id = gen_random_uuid() where seq = ${s.decision}`, problem: /indexed columns of seq \d+ differ from its leaf \(event_id\)/ },
  { what: 'the type column', alter: (tx, s) => tx`update audit_events set type = 'duo_flow_completed' where seq = ${s.decision}`, problem: /differ from its leaf \(type\)/ },
  { what: 'the session_id column', alter: (tx, s) => tx`update audit_events set session_id = 'someone-else' where seq = ${s.decision}`, problem: /differ from its leaf \(session_id\)/ },
  { what: 'the occurred_at column (by one microsecond)', alter: (tx, s) => tx`update audit_events set occurred_at = occurred_at + interval '1 microsecond' where seq = ${s.decision}`, problem: /differ from its leaf \(occurred_at\)/ },
  { what: 'the recorded_at column', alter: (tx, s) => tx`update audit_events set recorded_at = recorded_at - interval '1 day' where seq = ${s.decision}`, problem: /differ from its leaf \(recorded_at\)/ },
  { what: 'the source column', alter: (tx, s) => tx`update audit_events set source = 'gitlab_audit_stream' where seq = ${s.decision}`, problem: /differ from its leaf \(source\)/ },
  { what: 'the project_path column', alter: (tx, s) => tx`update audit_events set project_path = 'mallory/fork' where seq = ${s.started}`, problem: /differ from its leaf \(project_path\)/ },
  { what: 'the username column', alter: (tx, s) => tx`update audit_events set username = 'mallory' where seq = ${s.started}`, problem: /differ from its leaf \(username\)/ },
  { what: 'a leaf', alter: (tx, s) => tx`update audit_events set leaf = replace(leaf, '"step":1', '"step":2') where seq = ${s.decision}`, problem: /leaf hash mismatch at seq \d+/ },
  { what: 'a text deleted without a recorded erasure', alter: (tx, s) => tx`update audit_events set texts = null, text_salt = null where seq = ${s.decision}`, problem: /texts of seq \d+ are missing though its leaf commits to them/ },
];

describe('flowtrail verify sees every stored byte a reader is shown', () => {
  const t = useTestApp();
  const tamper = (fn: (tx: Pool) => Promise<unknown>) =>
    t.deps.sql.begin(async (tx) => {
      await tx`set local flowtrail.purge = 'on'`;
      await fn(tx as unknown as Pool);
    });
  const seed = async () => {
    await t.ingest([
      startedEvent('v1', at(0)),
      flowEvent('duo_flow_decision_logged', 'v1', at(1), { step: 1, decision: 'Use decimal', rationale: 'exact' }),
    ]);
    await t.deps.integrator.checkpoint(true);
    await t.ingest([flowEvent('duo_flow_completed', 'v1', at(5), { outcome_summary: 'done' })]);
    const [started] = await t.deps.sql<{ seq: number }[]>`select seq from audit_events where type = 'duo_flow_started'`;
    const [decision] = await t.deps.sql<{ seq: number }[]>`select seq from audit_events where type = 'duo_flow_decision_logged'`;
    return { started: started!.seq, decision: decision!.seq };
  };
  const verify = () => verifyDatabase(t.deps.sql, t.deps.verifiers, 'flowtrail/test');
  const integrityBox = async () => {
    const web = new WebClient(t.app);
    await web.signIn(await t.token('auditor'));
    const html = await (await web.get('/-/duo/sessions/v1')).text();
    return html.slice(html.indexOf('<h2>Integrity</h2>'), html.indexOf('<h2>Authorization</h2>')).replaceAll('&quot;', '"');
  };

  it('passes an untouched log, and the session page says all is intact', async () => {
    await seed();
    const r = await verify();
    expect(r.problems).toEqual([]);
    expect(r.texts).toBe(4);
    expect(await integrityBox()).toMatch(/All 3 events match their leaf hashes, and their columns and texts match their leaves/);
  });

  for (const c of cases) {
    it(`reports ${c.what} altered, in plain verify and on the session page`, async () => {
      const seqs = await seed();
      await tamper((tx) => c.alter(tx, seqs));
      const r = await verify();
      expect(r.ok).toBe(false);
      expect(r.problems.join('\n')).toMatch(c.problem);
      if (c.what === 'the session_id column') return; // the event left the session: the page no longer lists it, verify does
      const box = await integrityBox();
      expect(box).toMatch(/no longer match their leaf hash|Stored data no longer matches the log/);
      if (!/leaf hash/.test(c.problem.source)) expect(box).toMatch(c.problem);
    });
  }

  it('reports an altered checkpoint note, in plain verify and on the session page', async () => {
    await seed();
    await tamper((tx) => tx`update checkpoints set note = replace(note, 'flowtrail/test', 'flowtrail/tesT')`);
    const r = await verify();
    expect(r.ok).toBe(false);
    expect(r.checkpoints[0]!.status).toMatch(/^INVALID/);
    expect(await integrityBox()).toContain('SIGNATURE DOES NOT VERIFY');
  });

  it('shows a tampered text as tampered on the page, never as the original', async () => {
    const seqs = await seed();
    await tamper((tx) => tx`update audit_events set texts = jsonb_set(texts, '{decision}', '"Ship without tests"') where seq = ${seqs.decision}`);
    const web = new WebClient(t.app);
    await web.signIn(await t.token('auditor'));
    const html = await (await web.get('/-/duo/sessions/v1')).text();
    expect(html).not.toContain('Ship without tests');
    expect(html).toContain('text does not match its commitment');
  });
});

describe('flowtrail verify (the CLI) against an altered column', () => {
  it('exits 1 and names the column', { timeout: 60_000 }, async () => {
    const db = target === 'postgres' ? await createTestDatabase() : undefined;
    const env: Record<string, string> = {
      FLOWTRAIL_DATA_DIR: mkdtempSync(join(tmpdir(), 'flowtrail-verify-')),
      FLOWTRAIL_LOG_LEVEL: 'silent',
      FLOWTRAIL_PORT: '0',
      FLOWTRAIL_SIGNING_KEY: generateSigningKey('flowtrail/cli-test').privateKeyPem,
      FLOWTRAIL_LOG_ORIGIN: 'flowtrail/cli-test',
      ...(db?.url === undefined ? {} : { FLOWTRAIL_DATABASE_URL: db.url }),
    };
    const run = cliRunner(env);
    try {
      expect((await run('token', 'create', '--role', 'auditor')).code).toBe(0);
      expect((await run('verify')).code).toBe(0);
      const opened = await openDatabase({ url: env.FLOWTRAIL_DATABASE_URL, dataDir: env.FLOWTRAIL_DATA_DIR! });
      try {
        await opened.sql.begin(async (tx) => {
          await tx`set local flowtrail.purge = 'on'`;
          await tx`update audit_events set recorded_at = recorded_at - interval '1 day' where seq = (select min(seq) from audit_events where type = 'api_token_created')`;
        });
      } finally {
        await opened.close();
      }
      const v = await run('verify');
      expect(v.code).toBe(1);
      expect(v.out).toMatch(/INVALID: indexed columns of seq \d+ differ from its leaf \(recorded_at\)/);
    } finally {
      await db?.close();
    }
  });
});
