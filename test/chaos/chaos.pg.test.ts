// The short form of the crash-consistency harness (bench/chaos/, npm run
// chaos): kill -9 at a few seeded moments under mixed load, then every check.
// On PostgreSQL three replicas share the database; on PGlite one process is
// killed and restarted on its data directory. Needs the build (npm test
// builds first): the replicas are the compiled CLI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatResult } from '../../bench/chaos/format-result.js';
import { killAllReplicas } from '../../bench/chaos/replicas.js';
import { runChaos } from '../../bench/chaos/run-chaos.js';
import { server } from '../support/msw.js';
import { target } from '../support/pg.js';

// The seed is printed with the result; FLOWTRAIL_CHAOS_SEED repeats a run.
const seed = Number(process.env.FLOWTRAIL_CHAOS_SEED ?? Math.floor(Math.random() * 2 ** 31));

describe('crash consistency under kill -9 (short form of npm run chaos)', () => {
  // The harness talks only to real servers on 127.0.0.1 (the replicas, its fake GitLab), and under
  // msw's interception a request to a replica killed mid-answer could hang past its abort signal:
  // msw is off for this file. The replicas die with the run, even a run that timed out.
  beforeAll(() => server.close());
  afterAll(() => killAllReplicas());

  it(`loses and duplicates nothing, writes back once and verifies clean (${target}, seed ${seed})`, async () => {
    const result = await runChaos({
      db: target,
      adminUrl: process.env.FLOWTRAIL_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
      replicas: 3,
      kills: target === 'postgres' ? 3 : 2,
      durationS: 20,
      seed,
      sessionWorkers: 2,
      drainTimeoutS: 140,
      // The run's steps (kills, restarts, the drain) in the test's output: what to look at when it fails or times out.
      progress: (line) => console.log(line),
    });
    const report = formatResult(result);
    const failed = result.checks.filter((c) => !c.ok).map((c) => `${c.name}: ${c.detail}`);
    expect(failed, report).toEqual([]);
    expect(result.figures.lost).toBe(0);
    expect(result.figures.duplicated).toBe(0);
    expect(result.figures.restarts).toBe(target === 'postgres' ? 3 : 2);
    expect(result.figures.acknowledged).toBeGreaterThan(100);
    expect(result.figures.writeBacksDone).toBe(result.figures.writeBacksExpected);
  }, 178_000);
});
