import {
  appendLeaf, buildLevels, CheckpointError, consistencyFromLevels, frontierRoot, keyProblem, openCheckpoint, signerOf, verifyConsistency,
  type Frontier, type NoteVerifier, type OpenedCheckpoint,
} from '../integrity/index.js';
import { latestCheckpoint, leafBatches, type Sql } from '../store/index.js';
import { readLogKeyHistory } from './log-key-history.js';

export interface WitnessCopy {
  /** Where the copy came from (its file name), for the report. */
  file: string;
  note: string;
}

export interface WitnessCopyCheck {
  ok: boolean;
  logSize: number;
  /** Tree size of the log's latest signed checkpoint, the one consistency is proven to. */
  latest: number | null;
  checkpoints: { file: string; treeSize?: number; status: string }[];
  /** Findings in words; a fork names the tree sizes between which log and witness diverge. */
  problems: string[];
}

/**
 * Checks the log against a witness's copies of its checkpoints (`flowtrail verify --against`):
 * each copy must be signed by a trusted key for this log's origin, the log must still hold as
 * many events as it names, the log's first N events must hash to its root, and a consistency
 * proof from it to the log's latest checkpoint must verify against both roots. A copy that fails
 * is a fork (the log was rewritten after the witness saw it) or a rollback (events it saw are
 * gone), said in words with the tree sizes where log and witness agree and diverge.
 */
export async function checkWitnessCopy(sql: Sql, verifiers: readonly NoteVerifier[], origin: string, copies: readonly WitnessCopy[]): Promise<WitnessCopyCheck> {
  const problems: string[] = [];
  const opened: { file: string; cp: OpenedCheckpoint }[] = [];
  const checkpoints: WitnessCopyCheck['checkpoints'] = [];
  // Each copy is judged against the key history: signed by a trusted key, within the tree sizes that key may sign.
  const { history, candidates } = await readLogKeyHistory(sql, verifiers);
  for (const { file, note } of copies) {
    try {
      const cp = openCheckpoint(note, candidates);
      const problem = keyProblem(history, signerOf(note, candidates)!, cp.size);
      if (problem !== undefined) {
        checkpoints.push({ file, treeSize: cp.size, status: `INVALID: ${problem}` });
        problems.push(`${file}: not a checkpoint signed by a trusted key in its period (${problem})`);
      } else if (cp.origin !== origin) {
        checkpoints.push({ file, treeSize: cp.size, status: `INVALID: a checkpoint of another log (origin ${JSON.stringify(cp.origin)})` });
        problems.push(`${file}: a checkpoint of another log (origin ${JSON.stringify(cp.origin)}, this log is ${JSON.stringify(origin)})`);
      } else {
        opened.push({ file, cp });
      }
    } catch (error) {
      if (!(error instanceof CheckpointError)) throw error;
      checkpoints.push({ file, status: `INVALID: ${error.reason}` });
      problems.push(`${file}: not a checkpoint signed by a trusted key (${error.reason}): forged, damaged, or signed by another key`);
    }
  }
  opened.sort((a, b) => a.cp.size - b.cp.size);

  // One pass over the leaf hashes: the root at every witnessed size and at the latest checkpoint's, and all hashes for the proofs.
  const latestRow = await latestCheckpoint(sql);
  const wanted = new Set(opened.map((o) => o.cp.size));
  if (latestRow !== null) wanted.add(latestRow.treeSize);
  const roots = new Map<number, Buffer>();
  const hashes: Buffer[] = [];
  let frontier: Frontier = [];
  if (wanted.has(0)) roots.set(0, frontierRoot(frontier));
  for await (const batch of leafBatches(sql, 50_000)) {
    for (const r of batch) {
      frontier = appendLeaf(frontier, hashes.length, r.leafHash);
      hashes.push(r.leafHash);
      if (wanted.has(hashes.length)) roots.set(hashes.length, frontierRoot(frontier));
    }
  }
  const logSize = hashes.length;
  // Consistency is proven to the latest tree head the log signed; if the log no longer matches it
  // (flowtrail verify names why), to the root its events have now, so each copy is judged on its own.
  const current = latestRow === null ? undefined : roots.get(latestRow.treeSize);
  if (latestRow !== null && current !== undefined && !current.equals(latestRow.rootHash)) {
    problems.push(`the log's latest checkpoint ${latestRow.treeSize} does not match the log's own events (run flowtrail verify); copies are compared with the events as they are now`);
  }
  const latest = latestRow === null || current === undefined ? null : { size: latestRow.treeSize, rootHash: current };

  const levels = latest === null || opened.length === 0 ? [] : buildLevels(hashes, latest.size);
  let agreedUpTo = 0;
  let fork: string | undefined;
  for (const { file, cp } of opened) {
    const status = statusOf(cp, roots.get(cp.size), logSize, latest, levels);
    checkpoints.push({ file, treeSize: cp.size, status });
    if (status.startsWith('consistent')) {
      if (fork === undefined) agreedUpTo = cp.size;
      continue;
    }
    problems.push(`${file}: ${status}`);
    if (fork === undefined) {
      fork = cp.size > logSize
        ? `ROLLBACK: the witness saw a log of ${cp.size} events (${file}); the log now has ${logSize}. The events the witness saw after seq ${logSize - 1} are gone, or the log was replaced by another one`
        : `FORK: the log and the witness agree up to tree size ${agreedUpTo} and diverge after it: the witness's checkpoint for tree size ${cp.size} (${file}) has root ${cp.rootHash.toString('base64')}, the log's first ${cp.size} events hash to ${roots.get(cp.size)?.toString('base64')}. The log differs from what the witness saw somewhere in seq ${agreedUpTo} to ${cp.size - 1}`;
    }
  }
  if (fork !== undefined) problems.unshift(fork);
  return { ok: problems.length === 0, logSize, latest: latest?.size ?? null, checkpoints, problems };
}

function statusOf(cp: OpenedCheckpoint, logRoot: Buffer | undefined, logSize: number, latest: { size: number; rootHash: Buffer } | null, levels: readonly Buffer[][]): string {
  if (cp.size > logSize || logRoot === undefined) return `INVALID: the log has only ${logSize} events, the witness saw ${cp.size}`;
  if (!logRoot.equals(cp.rootHash)) return `INVALID: root differs from the log's root at tree size ${cp.size}`;
  if (latest === null || latest.size < cp.size) return `consistent: same root as the log's first ${cp.size} events (newer than the log's latest checkpoint)`;
  const proof = consistencyFromLevels(levels, cp.size, latest.size);
  if (!verifyConsistency(cp.size, latest.size, cp.rootHash, latest.rootHash, proof)) {
    return `INVALID: no consistency proof from it to the log's latest checkpoint ${latest.size} (the log's own checkpoint does not match its events: run flowtrail verify)`;
  }
  return `consistent: same root as the log's first ${cp.size} events, and a consistency proof to the latest checkpoint ${latest.size} verifies`;
}
