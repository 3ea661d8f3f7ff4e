import { commitShaSchema, mergeRequestRefSchema, type MergeRequestRef } from '../http/index.js';

export type SearchTerm =
  | { kind: 'commit'; sha: string }
  | { kind: 'merge_request'; ref: MergeRequestRef }
  | { kind: 'unknown'; message: string };

/** /group/sub/project/-/merge_requests/12 (and what follows it: /diffs, #note_1) or /-/commit/<sha>. */
const MR_PATH = /^\/(.+?)\/-\/merge_requests\/(\d+)(?:\/.*)?$/;
const COMMIT_PATH = /^\/.+?\/-\/commit\/([0-9a-fA-F]+)(?:\/.*)?$/;

/**
 * What the search box was given: a commit SHA (full, or a prefix of at least
 * 7 hex characters), a merge request reference `group/project!12`, or the URL
 * of a merge request or commit in GitLab. Anything else is said in words.
 */
export function parseSearchTerm(raw: string): SearchTerm {
  const term = raw.trim();
  if (term === '') return { kind: 'unknown', message: 'Type a commit SHA, a merge request reference (group/project!12) or a merge request URL.' };
  const sha = commitShaSchema.safeParse(term);
  if (sha.success) return { kind: 'commit', sha: sha.data };
  const ref = mergeRequestRefSchema.safeParse(term);
  if (ref.success) return { kind: 'merge_request', ref: ref.data };
  const fromUrl = parseGitlabUrl(term);
  if (fromUrl !== null) return fromUrl;
  const shown = term.length > 80 ? `${term.slice(0, 80)}…` : term;
  if (/^[0-9a-fA-F]{1,6}$/.test(term)) return { kind: 'unknown', message: `“${shown}” is too short for a commit SHA: give at least 7 characters.` };
  if (/^!\d+$/.test(term)) return { kind: 'unknown', message: `“${shown}” names no project: write it as group/project${term}.` };
  return { kind: 'unknown', message: `“${shown}” is not a commit SHA (7 to 64 hexadecimal characters), a merge request reference (group/project!12) or a merge request URL.` };
}

function parseGitlabUrl(term: string): SearchTerm | null {
  let url: URL;
  try {
    url = new URL(term);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null;
  const path = url.pathname.replace(/\/+$/, '');
  const mr = MR_PATH.exec(path);
  if (mr !== null) {
    const ref = mergeRequestRefSchema.safeParse(`${mr[1]}!${mr[2]}`);
    return ref.success ? { kind: 'merge_request', ref: ref.data } : null;
  }
  const commit = COMMIT_PATH.exec(path);
  if (commit !== null) {
    const sha = commitShaSchema.safeParse(commit[1]);
    return sha.success ? { kind: 'commit', sha: sha.data } : null;
  }
  return null;
}
