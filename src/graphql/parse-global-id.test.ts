import { describe, expect, it } from 'vitest';
import { parseGlobalId, toGlobalId } from './parse-global-id.js';

describe('parseGlobalId', () => {
  it('reads global ids of the model and plain numbers', () => {
    expect(parseGlobalId('gid://gitlab/Project/123', 'Project')).toBe('123');
    expect(parseGlobalId('gid://gitlab/Ai::DuoWorkflows::Workflow/9137', 'Ai::DuoWorkflows::Workflow')).toBe('9137');
    expect(parseGlobalId(123, 'Project')).toBe('123');
    expect(parseGlobalId('123', 'Project')).toBe('123');
  });

  it('refuses other models, negative or fractional numbers and anything else', () => {
    for (const v of ['gid://gitlab/User/123', 'gid://gitlab/Project/abc', 'gid://gitlab/Project/1/2', -1, 1.5, '12a', '', null, {}]) {
      expect(parseGlobalId(v, 'Project')).toBeNull();
    }
  });

  it('writes numbers as global ids and leaves other ids alone', () => {
    expect(toGlobalId('5', 'User')).toBe('gid://gitlab/User/5');
    expect(toGlobalId('u-5', 'User')).toBe('u-5');
  });
});
