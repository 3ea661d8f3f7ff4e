import { describe, expect, it } from 'vitest';
import { isValidIban, matchIban } from './iban.js';

describe('isValidIban', () => {
  it.each(['DE89370400440532013000', 'GB82WEST12345698765432', 'FR1420041010050500013M02606', 'NL91ABNA0417164300', 'NO9386011117947'])(
    'accepts %s',
    (iban) => {
      expect(isValidIban(iban)).toBe(true);
    },
  );

  it.each([
    ['a wrong check digit', 'DE89370400440532013001'],
    ['a wrong length for the country', 'DE8937040044053201300'],
    ['an unknown country', 'XX89370400440532013000'],
    ['lower case', 'de89370400440532013000'],
  ])('rejects %s', (_why, iban) => {
    expect(isValidIban(iban)).toBe(false);
  });
});

describe('matchIban', () => {
  it('accepts groups of four separated by single spaces and stops at the IBAN end', () => {
    const text = 'to DE89 3704 0044 0532 0130 00 today';
    expect(matchIban(text, 3)).toBe(3 + 'DE89 3704 0044 0532 0130 00'.length);
  });

  it('rejects an IBAN glued to more letters or digits', () => {
    expect(matchIban('DE893704004405320130001', 0)).toBe(-1);
  });
});
