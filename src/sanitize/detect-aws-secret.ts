import { Priority, type Candidate } from './candidate.js';
import { shannonEntropy } from './entropy.js';

// A bare AWS secret access key has no prefix: it is 40 random base64
// characters. On its own that shape is too common to redact (a git SHA has
// it), so, as TruffleHog's AWS detector does, it is looked for only in a text
// that also holds an access key id (AKIA.../ASIA...), and only when it mixes
// upper case, lower case and digits or `/+` and reads as random. In that
// context a base64 run of 32 to 64 characters counts, so a secret pasted with
// a character too many or too few is still removed.

const BARE_SECRET = /(?<![A-Za-z0-9/+=])[A-Za-z0-9/+]{32,64}(?![A-Za-z0-9/+=])/g;
const UPPER = /[A-Z]/;
const LOWER = /[a-z]/;
const DIGIT_OR_SYMBOL = /[0-9/+]/;

export function detectAwsSecrets(text: string, out: Candidate[]): void {
  BARE_SECRET.lastIndex = 0;
  for (let m = BARE_SECRET.exec(text); m !== null; m = BARE_SECRET.exec(text)) {
    const secret = m[0];
    if (!UPPER.test(secret) || !LOWER.test(secret) || !DIGIT_OR_SYMBOL.test(secret)) continue;
    if (shannonEntropy(secret) < 4) continue;
    out.push({ start: m.index, end: m.index + secret.length, kind: 'aws_secret_access_key', priority: Priority.vendor });
  }
}
