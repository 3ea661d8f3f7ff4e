import type { WitnessSpec } from '../config.js';
import { createDirWitness } from './dir-witness.js';
import { createGitWitness } from './git-witness.js';
import { createHttpWitness } from './http-witness.js';

export interface WitnessedCheckpoint {
  treeSize: number;
  note: string;
}

/** A place outside the database that keeps a copy of every checkpoint the log signs. */
export interface Witness {
  /** How logs and metrics name it: `dir:/path`, the URL, `git:<remote>`, never a credential. */
  readonly name: string;
  /** Delivers checkpoints in tree size order; resolves once the witness holds them all. Idempotent. */
  deliver(checkpoints: readonly WitnessedCheckpoint[]): Promise<void>;
}

export interface WitnessOptions {
  /** Where a git witness keeps its working clone. */
  dataDir: string;
  fetch?: typeof fetch;
}

export function createWitness(spec: WitnessSpec, o: WitnessOptions): Witness {
  switch (spec.kind) {
    case 'dir':
      return createDirWitness(spec.path);
    case 'http':
      return createHttpWitness(spec.url, o.fetch);
    case 'git':
      return createGitWitness(spec.remote, o.dataDir);
  }
}

/** A URL or remote without its user name and password, for logs and metric labels. */
export function withoutCredentials(location: string): string {
  return location.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/@]*@/i, '$1');
}

/** The file name a checkpoint of `treeSize` takes in a directory or git witness. */
export function checkpointFileName(treeSize: number): string {
  return `${String(treeSize).padStart(12, '0')}.checkpoint`;
}
