import { describe, expect, it } from 'vitest';
import { useTestDb } from '../../test/support/pg.js';
import { resolveLogOrigin } from './log-state.js';

describe('resolveLogOrigin', () => {
  const t = useTestDb();

  it('fixes the origin at first use so that a later URL or port change keeps it', async () => {
    expect(await resolveLogOrigin(t.sql, 'flowtrail/audit.example.test', false)).toBe('flowtrail/audit.example.test');
    expect(await resolveLogOrigin(t.sql, 'flowtrail/other-host', false)).toBe('flowtrail/audit.example.test');
  });

  it('refuses an explicit FLOWTRAIL_LOG_ORIGIN that differs from the log', async () => {
    await resolveLogOrigin(t.sql, 'flowtrail/a', false);
    await expect(resolveLogOrigin(t.sql, 'flowtrail/b', true)).rejects.toThrow(/FLOWTRAIL_LOG_ORIGIN is "flowtrail\/b" but this log was created as "flowtrail\/a"/);
    expect(await resolveLogOrigin(t.sql, 'flowtrail/a', true)).toBe('flowtrail/a');
  });
});
