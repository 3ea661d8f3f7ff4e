import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isoMicros } from './iso-micros.js';

describe('isoMicros', () => {
  it('reads every Date#toISOString form as Date.parse does, to the microsecond', () => {
    fc.assert(fc.property(fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }), (d) => {
      expect(isoMicros(d.toISOString())).toBe(d.getTime() * 1000);
    }), { numRuns: 2000 });
  });

  it('judges dates that do not exist, and other spellings, by the general path', () => {
    expect(isoMicros('2026-13-01T00:00:00.000Z')).toBeUndefined();
    expect(isoMicros('2026-03-10T14:00:00.000+01:00')).toBe(Date.parse('2026-03-10T13:00:00Z') * 1000);
    expect(isoMicros('2026-03-10T14:00:00.0000005Z')).toBe(Date.parse('2026-03-10T14:00:00Z') * 1000);
  });
});
