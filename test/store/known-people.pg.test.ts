import { describe, expect, it } from 'vitest';
import { readKnownPeople, rememberAgentAccount } from '../../src/store/index.js';
import { useTestApp } from '../support/app.js';
import { at, startedEvent } from '../support/flow-events.js';

describe('readKnownPeople', () => {
  const t = useTestApp();

  it('lists the usernames and display names flowtrail knows from GitLab, each once', async () => {
    expect(await readKnownPeople(t.deps.sql)).toEqual([]);
    await t.ingest([
      startedEvent('s1', at(1), { user: { id: 1187, username: 'dwhitfield' }, project: { id: 4821, path: 'acme/payments' } }),
      startedEvent('s2', at(2), { user: { id: 1187, username: 'dwhitfield' }, project: { id: 4821, path: 'acme/payments' } }),
    ]);
    await rememberAgentAccount(t.deps.sql, { userId: '9001', username: 'duo-developer-acme', name: 'Duo Developer' });
    const people = await readKnownPeople(t.deps.sql);
    expect([...people].sort()).toEqual(['Duo Developer', 'duo-developer-acme', 'dwhitfield']);
  });

  it('gives the service a list the sanitizer redacts in free text while the attribution field keeps the username', async () => {
    await rememberAgentAccount(t.deps.sql, { userId: '9002', username: 'oadeyemi', name: 'Oluwaseun Adeyemi' });
    const { createSanitizer } = await import('../../src/sanitize/index.js');
    const people = await readKnownPeople(t.deps.sql);
    const sanitizer = createSanitizer({ key: Buffer.from('known-people-test'), knownPeople: () => people });
    const { value } = sanitizer.sanitizeValue({ username: 'oadeyemi', goal: 'Ask Oluwaseun Adeyemi and @oadeyemi about the flaky test' });
    expect(value.username).toBe('oadeyemi');
    expect(value.goal).toMatch(/^Ask \[REDACTED:person_name:[0-9a-f]{8}\] and @\[REDACTED:person_name:[0-9a-f]{8}\] about the flaky test$/);
  });
});
