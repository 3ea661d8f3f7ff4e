import { createHash } from 'node:crypto';
import { buildInclusionProofs, openCheckpoint, verifyInclusion, type NoteVerifier } from '../integrity/index.js';
import { leafBatches, sampleEvents, startedSessionIds, type CheckpointRow, type Sql } from '../store/index.js';
import { collectFigures } from './collect-figures.js';
import type { ReportFigures } from './figures.js';
import { FRAMEWORK_INFO, type Framework } from './frameworks.js';
import type { Figure, Finding } from './rules.js';

/** How many sessions a pack samples, and how many of each sample's events it proves. */
export const SAMPLE_SESSIONS = 5;
export const SAMPLE_EVENTS = 25;

export interface PackSample {
  sessionId: string;
  /** SHA-256 of the checkpoint's root hash and the session id: the order samples are drawn in. */
  rank: string;
  events: { seq: number; type: string; occurredAt: string; leafHash: string; proof: string[] }[];
}

export interface EvidencePack {
  format: 'flowtrail-evidence-pack-v1';
  framework: Framework;
  frameworkName: string;
  period: { from: string; to: string };
  origin: string;
  verifierKey: string | null;
  checkpoint: { treeSize: number; rootHash: string; createdAt: string; note: string };
  figures: ReportFigures;
  controls: { id: string; oscalId: string; title: string; asks: string; figures: Figure[]; finding: Finding }[];
  samples: PackSample[];
}

export interface PackInput {
  framework: Framework;
  from: Date;
  to: Date;
  checkpoint: CheckpointRow;
  origin: string;
  verifiers: readonly NoteVerifier[];
  retentionDays: number;
}

/** Samples drawn reproducibly: sessions ordered by SHA-256(root hash || session id), the first SAMPLE_SESSIONS. */
export function rankSessions(rootHash: Buffer, sessionIds: readonly string[]): { sessionId: string; rank: string }[] {
  return sessionIds
    .map((sessionId) => ({ sessionId, rank: createHash('sha256').update(rootHash).update(sessionId, 'utf8').digest('hex') }))
    .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
}

/**
 * An evidence pack: the figures of the period below the checkpoint, a finding
 * per control of the framework, and sample sessions whose events carry
 * inclusion proofs against the checkpoint. Nothing in it depends on when or
 * by whom it was asked for, so the same period and checkpoint give the same pack.
 */
export async function buildPack(sql: Sql, o: PackInput): Promise<EvidencePack> {
  const cp = o.checkpoint;
  const w = { from: o.from, to: o.to, treeSize: cp.treeSize };
  const [figures, ids] = await Promise.all([collectFigures(sql, w, o.retentionDays, new Date(Math.min(o.to.getTime(), cp.createdAt.getTime()))), startedSessionIds(sql, w)]);
  const chosen = rankSessions(cp.rootHash, ids).slice(0, SAMPLE_SESSIONS);
  const rows = await Promise.all(chosen.map((s) => sampleEvents(sql, s.sessionId, cp.treeSize, SAMPLE_EVENTS)));
  const seqs = rows.flat().map((r) => r.seq);
  const proofs = seqs.length === 0 ? [] : await proofsFor(sql, cp.treeSize, seqs);
  let i = 0;
  const samples: PackSample[] = chosen.map((s, k) => ({
    ...s,
    events: rows[k]!.map((r) => ({ seq: r.seq, type: r.type, occurredAt: r.occurredAt.toISOString(), leafHash: r.leafHash.toString('base64'), proof: proofs[i++]! })),
  }));
  const proofsValid = samples.every((s) => s.events.every((e) =>
    verifyInclusion(e.seq, cp.treeSize, Buffer.from(e.leafHash, 'base64'), e.proof.map((p) => Buffer.from(p, 'base64')), cp.rootHash)));
  const { checkpointsSigned, ...rest } = figures;
  const full: ReportFigures = {
    ...rest,
    integrity: { checkpointsSigned, checkpointValid: checkpointVerifies(cp, o.verifiers), samplesProved: seqs.length, samplesProofsValid: proofsValid },
  };
  const info = FRAMEWORK_INFO[o.framework];
  return {
    format: 'flowtrail-evidence-pack-v1',
    framework: o.framework,
    frameworkName: info.name,
    period: { from: o.from.toISOString(), to: o.to.toISOString() },
    origin: o.origin,
    verifierKey: o.verifiers[0]?.verifierKey ?? null,
    checkpoint: { treeSize: cp.treeSize, rootHash: cp.rootHash.toString('base64'), createdAt: cp.createdAt.toISOString(), note: cp.note },
    figures: full,
    controls: info.controls.map((c) => ({ id: c.id, oscalId: c.oscalId, title: c.title, asks: c.asks, figures: c.figures(full), finding: c.rule(full) })),
    samples,
  };
}

function checkpointVerifies(cp: CheckpointRow, verifiers: readonly NoteVerifier[]): boolean {
  try {
    const opened = openCheckpoint(cp.note, verifiers);
    return opened.size === cp.treeSize && Buffer.compare(opened.rootHash, cp.rootHash) === 0;
  } catch {
    // A note that does not open under the service's keys is exactly what this reports.
    return false;
  }
}

async function proofsFor(sql: Sql, treeSize: number, seqs: number[]): Promise<string[][]> {
  const hashes: Buffer[] = [];
  for await (const batch of leafBatches(sql, 50_000)) {
    for (const r of batch) if (r.seq < treeSize) hashes.push(r.leafHash);
    if (hashes.length >= treeSize) break;
  }
  return buildInclusionProofs(hashes, treeSize, seqs);
}
