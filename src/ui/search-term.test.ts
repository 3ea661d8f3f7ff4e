import { describe, expect, it } from 'vitest';
import { parseSearchTerm } from './search-term.js';

describe('parseSearchTerm', () => {
  it('reads commit SHAs (full or a prefix of 7 or more, any case)', () => {
    expect(parseSearchTerm(' DEFD29C ')).toEqual({ kind: 'commit', sha: 'defd29c' });
    expect(parseSearchTerm('c'.repeat(40))).toEqual({ kind: 'commit', sha: 'c'.repeat(40) });
  });

  it('reads merge request references and GitLab URLs of merge requests and commits', () => {
    const ref = { kind: 'merge_request', ref: { projectPath: 'acme-platform/payments-api', iid: '57' } };
    expect(parseSearchTerm('acme-platform/payments-api!57')).toEqual(ref);
    expect(parseSearchTerm('https://gitlab.example.com/acme-platform/payments-api/-/merge_requests/57')).toEqual(ref);
    expect(parseSearchTerm('https://gitlab.example.com/acme-platform/payments-api/-/merge_requests/57/diffs#note_1')).toEqual(ref);
    expect(parseSearchTerm('https://gitlab.example.com/a/sub/p/-/merge_requests/3/')).toEqual({ kind: 'merge_request', ref: { projectPath: 'a/sub/p', iid: '3' } });
    expect(parseSearchTerm('https://gitlab.example.com/a/p/-/commit/DEFD29C1b0')).toEqual({ kind: 'commit', sha: 'defd29c1b0' });
  });

  it('says in words what is none of these', () => {
    const message = (s: string) => {
      const t = parseSearchTerm(s);
      return t.kind === 'unknown' ? t.message : `parsed as ${t.kind}`;
    };
    expect(message('login page')).toBe('“login page” is not a commit SHA (7 to 64 hexadecimal characters), a merge request reference (group/project!12) or a merge request URL.');
    expect(message('defd29')).toMatch(/too short for a commit SHA/);
    expect(message('!57')).toBe('“!57” names no project: write it as group/project!57.');
    expect(message('')).toMatch(/^Type a commit SHA/);
    expect(message('javascript:alert(1)')).toMatch(/is not a commit SHA/);
    expect(message('https://gitlab.example.com/a/p/-/issues/3')).toMatch(/is not a commit SHA/);
    expect(message('https://gitlab.example.com/%E0%A4%A/-/merge_requests/3')).toMatch(/is not a commit SHA/);
    expect(message('x'.repeat(500))).toContain(`“${'x'.repeat(80)}…”`);
  });
});
