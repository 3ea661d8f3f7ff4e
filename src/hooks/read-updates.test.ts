import { describe, expect, it } from 'vitest';
import { isNullId, readUpdates } from './read-updates.js';
import { projectPathFromUrl } from './walk-repository.js';

describe('readUpdates', () => {
  const a = 'a'.repeat(40);
  const z = '0'.repeat(40);
  it("reads git's lines, SHA-1 and SHA-256, and skips blank ones", () => {
    expect(readUpdates(`${z} ${a} refs/heads/main\n\n${'b'.repeat(64)} ${'0'.repeat(64)} refs/tags/v1\n`)).toEqual([
      { old: z, new: a, ref: 'refs/heads/main' },
      { old: 'b'.repeat(64), new: '0'.repeat(64), ref: 'refs/tags/v1' },
    ]);
    expect(isNullId(z) && isNullId('0'.repeat(64)) && !isNullId(a)).toBe(true);
  });
  it('throws on anything else, naming the line', () => {
    expect(() => readUpdates(`${a} ${a}\n`)).toThrow(/unexpected input line/);
    expect(() => readUpdates(`${a} ${'b'.repeat(64)} refs/heads/x\n`)).toThrow(/unexpected input line/);
    expect(() => readUpdates(`${a} ${a} refs/heads/x extra\n`)).toThrow(/unexpected input line/);
    expect(() => readUpdates(`${a.toUpperCase()} ${a} refs/heads/x\n`)).toThrow(/unexpected input line/);
  });
});

describe('projectPathFromUrl', () => {
  it('reads the project path from SSH and HTTP remotes, with and without .git', () => {
    expect(projectPathFromUrl('git@gitlab.example.com:acme-platform/payments-api.git')).toBe('acme-platform/payments-api');
    expect(projectPathFromUrl('https://gitlab.example.com/acme/sub/group/project.git')).toBe('acme/sub/group/project');
    expect(projectPathFromUrl('ssh://git@gitlab.example.com:2222/acme/project')).toBe('acme/project');
    expect(projectPathFromUrl('/srv/git/project.git')).toBeNull();
  });
});
