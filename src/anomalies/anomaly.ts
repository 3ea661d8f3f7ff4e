import type { AnomalySettings } from '../config.js';
import type { AnomalyKind } from '../events.js';
import type { Sql } from '../store/index.js';

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
/**
 * How far back the per-session detectors (off_hours, token_spike, the GitLab
 * endings of never_ended) look at every run: a start or ending recorded in
 * the last 48 hours is judged again by each run (its alert's id is fixed, so
 * it is raised once), so a process that was down for up to two days misses nothing.
 */
export const RECENT_MS = 48 * HOUR_MS;

export type SubjectType = 'user' | 'project' | 'flow_type' | 'session';

/** One finding of a detector, before it becomes a duo_flow_anomaly_detected event. */
export interface Anomaly {
  kind: AnomalyKind;
  subject: { type: SubjectType; value: string };
  /** What makes two findings the same alert (with the kind): the name its event id is derived from. */
  key: string;
  sessionId: string | null;
  projectPath: string | null;
  username: string | null;
  observed: number;
  /** What is normal for the subject (null: the detector has no such figure). */
  baseline: number | null;
  /** The value `observed` had to reach (or, for off_hours, stay at or under). */
  threshold: number;
  unit: string;
  window: { from: Date; to: Date };
  reason: string;
  /** More facts for the reader (usual hours, medians, GitLab's status). */
  details?: Record<string, unknown>;
}

/** What every detector gets: the database, the thresholds, and the server's clock at the start of the run. */
export interface DetectionContext {
  sql: Sql;
  settings: AnomalySettings;
  now: Date;
}

export const before = (at: Date, ms: number): Date => new Date(at.getTime() - ms);

/** "2026-03-10 14:05 UTC" */
export const utcMinute = (d: Date): string => `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;

/** 1234567 → "1,234,567"; 3.14159 → "3.1". */
export const figure = (n: number): string => (Number.isInteger(n) ? n.toLocaleString('en-US') : n.toLocaleString('en-US', { maximumFractionDigits: 1 }));

export const round1 = (n: number): number => Math.round(n * 10) / 10;
