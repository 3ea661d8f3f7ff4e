// How fast `flowtrail verify` can check a log, without the database: 300k realistic leaves in
// memory, a signed checkpoint every 10k, streamed to verifyLog in batches of 1,000 (a DB page).
// Baseline: one plain createHash('sha256') per leaf string, the irreducible cost of re-hashing.
import crypto from 'node:crypto';
import { pathToFileURL } from 'node:url';
import {
  appendLeaf,
  canonicalJson,
  createNoteSigner,
  frontierRoot,
  generateSigningKey,
  leafHash,
  parseVerifierKey,
  signCheckpoint,
  verifyLog,
  type CheckpointRecord,
  type Frontier,
  type LeafRecord,
} from '../src/integrity/index.js';
import { rateReport, type BenchReport } from './report.js';

const EVENTS = 300_000;
const CHECKPOINT_EVERY = 10_000;
const BATCH = 1_000;
const RUNS = 5;
const TARGET = 300_000;
const ORIGIN = 'flowtrail.bench/audit';

type StoredLeaf = LeafRecord & { leaf: string };

const tools = ['run_command', 'read_file', 'edit_file', 'create_merge_request', 'search_code'];
const decisions = ['approved', 'denied', 'auto_approved'];

/** A leaf shaped like the integrator's: its free text already replaced by a commitment. */
function eventLeaf(seq: number): string {
  const wobble = (seq * 2654435761) % 97;
  return canonicalJson({
    v: 1,
    seq,
    event_id: crypto.randomUUID(),
    type: 'duo_flow_decision_logged',
    session_id: String(9137 + (seq % 50)),
    occurred_at: new Date(1_767_225_600_000 + seq * 250).toISOString(),
    recorded_at: new Date(1_767_225_600_400 + seq * 250).toISOString(),
    source: 'duo_workflow',
    source_type: 'flow',
    source_id: `wf-${seq % 1000}`,
    project_path: 'platform/payments/ledger-service',
    username: `dev${seq % 200}`,
    data: {
      decision: decisions[seq % decisions.length],
      tool: tools[seq % tools.length],
      step: seq % 40,
      model: 'claude-sonnet-4',
      latency_ms: 120 + wobble * 7,
      tokens: { input: 1500 + wobble * 31, output: 200 + wobble * 3 },
      files: Array.from({ length: 1 + (wobble % 4) }, (_, i) => `src/module_${(seq + i) % 300}/handler.ts`),
      reason: { $commitment: crypto.createHash('sha256').update(String(seq)).digest('hex') },
    },
  });
}

function generate() {
  const key = generateSigningKey(ORIGIN);
  const signer = createNoteSigner(key.privateKeyPem, ORIGIN);
  const leaves: StoredLeaf[] = [];
  const checkpoints: CheckpointRecord[] = [];
  let frontier: Frontier = [];
  for (let seq = 0; seq < EVENTS; seq++) {
    const leaf = eventLeaf(seq);
    const hash = leafHash(leaf);
    leaves.push({ seq, leaf, leafHash: hash });
    frontier = appendLeaf(frontier, seq, hash);
    if ((seq + 1) % CHECKPOINT_EVERY === 0) {
      const note = signCheckpoint({ origin: ORIGIN, size: seq + 1, rootHash: frontierRoot(frontier) }, signer);
      checkpoints.push({ treeSize: seq + 1, note });
    }
  }
  return { leaves, checkpoints, verifiers: [parseVerifierKey(key.verifierKey)] };
}

async function* pages(leaves: LeafRecord[]): AsyncIterable<LeafRecord[]> {
  for (let i = 0; i < leaves.length; i += BATCH) yield leaves.slice(i, i + BATCH);
}

type Work = () => Promise<void> | void;

async function seconds(work: Work): Promise<number> {
  const start = process.hrtime.bigint();
  await work();
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/**
 * Median events/s of each piece of work over `runs` rounds after one untimed warm-up. Rounds
 * alternate between the works, so a noisy neighbour slows the baseline and the subject alike.
 */
async function rates(works: Work[], runs: number): Promise<number[]> {
  for (const work of works) await work();
  const samples: number[][] = works.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (const [i, work] of works.entries()) samples[i]?.push(EVENTS / (await seconds(work)));
  }
  return samples.map((rs) => rs.sort((a, b) => a - b)[Math.floor(rs.length / 2)] ?? 0);
}

export async function run(): Promise<BenchReport> {
  const { leaves, checkpoints, verifiers } = generate();
  const meanBytes = leaves.reduce((sum, l) => sum + Buffer.byteLength(l.leaf), 0) / leaves.length;
  const verify = (leafCheck: 'seq' | 'canonical') => async () => {
    const result = await verifyLog({ leaves: pages(leaves), checkpoints, verifiers, origin: ORIGIN, leafCheck });
    if (!result.ok || result.events !== EVENTS) throw new Error(`bench log did not verify: ${result.problems[0]}`);
  };

  const hashEach: Work = () => {
    for (const { leaf } of leaves) crypto.createHash('sha256').update(leaf).digest();
  };
  const parseEach: Work = () => {
    for (const { leaf } of leaves) JSON.parse(leaf);
  };
  const [baseline = 0, value = 0] = await rates([hashEach, verify('seq')], RUNS);
  const [parseOnly = 0] = await rates([parseEach], 1);
  const canonical = EVENTS / (await seconds(verify('canonical')));

  const notes =
    `${EVENTS} leaves of ${Math.round(meanBytes)} bytes on average, ${checkpoints.length} checkpoints, ` +
    `batches of ${BATCH}, median of ${RUNS} alternating runs. leafCheck 'canonical' (JSON.parse + ` +
    `canonicalJson per leaf, 1 run): ${Math.round(canonical)} events/s; JSON.parse alone: ${Math.round(parseOnly)} leaves/s.`;
  const report = rateReport('verify-pure', 'events/s', value, { name: 'createHash sha256 per leaf', value: baseline }, 0, notes);
  return { ...report, target: `>= ${TARGET} events/s`, pass: value >= TARGET };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await run(), null, 2));
}
