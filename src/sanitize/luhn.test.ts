import { describe, expect, it } from 'vitest';
import { isLuhnValid } from './luhn.js';

describe('isLuhnValid', () => {
  it.each(['4111111111111111', '5555555555554444', '378282246310005', '6011111111111117', '79927398713'])('accepts %s', (n) => {
    expect(isLuhnValid(n)).toBe(true);
  });

  it.each(['4111111111111112', '79927398710', '', '12a4'])('rejects %j', (n) => {
    expect(isLuhnValid(n)).toBe(false);
  });
});
