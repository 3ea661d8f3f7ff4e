import { Priority, type Candidate } from './candidate.js';
import { startsWord } from './char-class.js';
import { matchIban } from './iban.js';
import { matchUkNino } from './uk-nino.js';

/** At two capital letters followed by digits: an IBAN (mod-97) or a UK NINO. */
export function detectIbanOrNino(text: string, at: number, out: Candidate[]): number {
  if (!startsWord(text, at)) return at + 1;
  const iban = matchIban(text, at);
  if (iban > 0) {
    out.push({ start: at, end: iban, kind: 'iban', priority: Priority.pii });
    return iban;
  }
  const nino = matchUkNino(text, at);
  if (nino > 0) {
    out.push({ start: at, end: nino, kind: 'uk_nino', priority: Priority.pii });
    return nino;
  }
  return at + 1;
}
