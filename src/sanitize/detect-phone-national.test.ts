import { describe, expect, it } from 'vitest';
import { createSanitizer } from './index.js';

const sanitizer = createSanitizer({ key: Buffer.from('detect-phone-test-key') });
const phones = (text: string): string[] =>
  sanitizer.sanitizeText(text).findings.filter((f) => f.kind === 'phone').map((f) => text.slice(f.start, f.end));

describe('phone numbers in national formats', () => {
  it.each([
    ['Ruf mich unter 030 123 4567 an.', '030 123 4567'],
    ['Handy 0151 2345 6789, Büro nicht besetzt', '0151 2345 6789'],
    ['Mon numéro : 01 23 45 67 89', '01 23 45 67 89'],
    ['Please call 020 7946 0958 after lunch.', '020 7946 0958'],
    ['Llámame al 612 34 56 78 mañana.', '612 34 56 78'],
    ['Il mio cellulare è 345 123 4567', '345 123 4567'],
    ['Bel me op 06-12345678 als het misgaat.', '06-12345678'],
    ['The customer left (11) 91234-5678 as a callback number.', '(11) 91234-5678'],
    ['Telefone: 912 345 678', '912 345 678'],
  ])('%s', (text, phone) => {
    expect(phones(text)).toEqual([phone]);
  });

  it.each([
    'Upgraded node from 18.19.1 to 20.11.0; build 20240501.3',
    'Invoice total: € 12 345,67 due 01.05.2026',
    'Between 2026-01-05 00:00 and 2026-01-28 23:59 we ingested 1 234 567 events.',
    'Order 12345678 shipped; tracking 012345678901.',
    'ISBN 978-3-16-148410-0',
    'The batch of 123 456 789 rows took 12 s.',
    'session 123e4567-e89b-12d3-a456-426614174000 started',
    'Kontostand am 01.05.2026: 123 456 EUR',
    'coordinates 52.520008, 13.404954',
  ])('leaves %s alone', (text) => {
    expect(phones(text)).toEqual([]);
  });
});
