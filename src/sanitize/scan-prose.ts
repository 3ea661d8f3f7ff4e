import type { Candidate } from './candidate.js';
import { detectContext } from './detect-context.js';
import { detectFamilies } from './detect-family.js';
import { detectFlags } from './detect-flag.js';
import { detectPersonNames } from './detect-person-name.js';
import { detectNationalPhones } from './detect-phone-national.js';
import type { KnownPeople } from './known-people.js';

// The detectors that read prose and commands rather than anchor on a
// character: context words, command-line flags, keyless key families and
// person names. Each is a pass of its own with a cheap guard, run after
// scanText on the same text.

export function scanProse(text: string, out: Candidate[], people: () => KnownPeople): void {
  if (text.length < 8) return;
  detectContext(text, out);
  detectFlags(text, out);
  detectFamilies(text, out);
  detectNationalPhones(text, out);
  detectPersonNames(text, out, people());
}
