import { describe, expect, it } from 'vitest';
import { createAgentMatcher, globToRegExp } from './agent-identity.js';

describe('createAgentMatcher', () => {
  const isAgent = createAgentMatcher({ patterns: ['duo-developer*', 'ai-*'], known: [{ username: 'custom-flow-bot', name: 'Release Helper', email: 'release-helper@flows.acme.example' }] });

  it('knows agents by username pattern, display name, email local part and learned accounts', () => {
    expect(isAgent({ name: 'Duo Developer' })).toBe(true);
    expect(isAgent({ name: 'AI Developer - acme-platform' })).toBe(true);
    expect(isAgent({ name: 'Someone', email: 'duo-developer-acme@noreply.gitlab.example.test' })).toBe(true);
    expect(isAgent({ name: 'Release Helper' })).toBe(true);
    expect(isAgent({ name: 'Renamed Helper', email: 'Release-Helper@flows.acme.example' })).toBe(true);
    expect(isAgent({ name: 'Dana Whitfield', email: 'dana@acme.example' })).toBe(false);
  });

  it("treats a commit pushed by an agent under its own name as the agent's", () => {
    expect(isAgent({ name: 'Build Bot' }, { username: 'ai-build-bot', name: 'Build Bot' })).toBe(true);
    expect(isAgent({ name: 'Dana Whitfield' }, { username: 'ai-build-bot', name: 'Build Bot' })).toBe(false);
    expect(isAgent({ name: 'Build Bot' }, { username: 'dwhitfield', name: 'Build Bot' })).toBe(false);
  });

  it('turns globs into anchored patterns with literal punctuation', () => {
    expect(globToRegExp('ai-*').test('ai-x')).toBe(true);
    expect(globToRegExp('a.b?').test('axbc')).toBe(false);
    expect(globToRegExp('a.b?').test('a.bc')).toBe(true);
  });
});
