import {
  AWS_SECRET_NAME,
  BENIGN_NAME,
  GCP_KEY_ID_NAME,
  NOT_A_PASSWORD,
  PASSWORD_NAME,
} from './assignment-names.js';
import { Priority, type Candidate } from './candidate.js';
import { shannonEntropy } from './entropy.js';
import { isPlaceholder } from './placeholder.js';
import { readAssignment } from './read-assignment.js';

// Credentials assigned to a telling name: `password=...`, `"password": "..."`,
// `PASSWORD: ...`, `api_key = "..."`, `--token=...`. Called at the operator.
// A password-like name redacts any real-looking value; other credential names
// (key, secret, token, auth, credential) redact only values that look random,
// scored with Shannon entropy as gitleaks' generic-api-key rule does (3.5
// bits, relaxed for short values whose entropy cannot reach it).

const GENERIC_VALUE = /^[\w.=+/~-]{8,500}$/;
const IDENTIFIER_ONLY = /^[A-Za-z_.-]+$/;
const NUMBER_LIKE = /^[\d.,:_-]+$/;
const PATH_LIKE = /^(?:~|\.{1,2})?\/[\w.-]+(?:\/[\w.-]+)*\/?$/;
const CODE_REFERENCE = /^[A-Za-z_$][\w$]*(?:(?:\.|\?\.|::|->)[A-Za-z_$][\w$]*)+$/;
const CODE_CALL = /^[A-Za-z_$][\w$.]*[([]/;
const AWS_SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;
const HEX40 = /^[a-f0-9]{40}$/;
// AWS's published documentation keys (AKIAIOSFODNN7EXAMPLE, wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY).
const AWS_EXAMPLE = /EXAMPLE(?:KEY)?$/;
// `tenant_42`, `shard-7`: a word and a small number, not a key.
const IDENT_NUMBER = /^[A-Za-z]+(?:[_.-][A-Za-z]+)*[_.-]?\d{1,6}$/;
const STOPWORDS = ['example', 'sample', 'dummy', 'placeholder', 'changeme', 'redacted', 'test', 'fake'];

export function detectAssignment(text: string, at: number, out: Candidate[]): number {
  const a = readAssignment(text, at);
  if (a === null) return at + 1;
  // In `a=b=c=...` every later value is a suffix of an earlier one; once that
  // is a candidate there is nothing new to learn, and skipping keeps dense
  // operators linear.
  const last = out[out.length - 1];
  if (last !== undefined && last.start <= a.valueStart && last.end >= a.valueEnd) return a.resume;
  const value = text.slice(a.valueStart, a.valueEnd);
  // `${VAR}` read without its closing brace (trimmed as punctuation) is still a reference.
  if (value.startsWith('${') && text.charCodeAt(a.valueEnd) === 125) return a.resume;
  const found = classify(a.name, value, a.quoted, a.operator, text.charCodeAt(a.valueEnd));
  if (found !== null) {
    out.push({ start: a.valueStart, end: a.valueEnd, kind: found.kind, priority: found.priority });
  }
  return a.resume;
}

function classify(
  name: string,
  value: string,
  quoted: boolean,
  operator: string,
  after: number,
): { kind: string; priority: number } | null {
  if (!quoted && (after === 40 || after === 91 || CODE_REFERENCE.test(value) || CODE_CALL.test(value))) return null;
  if (isPlaceholder(value) || AWS_EXAMPLE.test(value)) return null;
  if (GCP_KEY_ID_NAME.test(name) && HEX40.test(value)) {
    return { kind: 'gcp_service_account_key', priority: Priority.vendor };
  }
  if (BENIGN_NAME.test(name)) return null;
  if (PASSWORD_NAME.test(name)) {
    if (!quoted && operator === ':' && NOT_A_PASSWORD.has(value.toLowerCase())) return null;
    return { kind: 'password', priority: Priority.password };
  }
  if (AWS_SECRET_NAME.test(name) && AWS_SECRET_VALUE.test(value) && shannonEntropy(value) >= 3) {
    return { kind: 'aws_secret_access_key', priority: Priority.vendor };
  }
  if (!GENERIC_VALUE.test(value) || IDENTIFIER_ONLY.test(value) || IDENT_NUMBER.test(value) || NUMBER_LIKE.test(value) || PATH_LIKE.test(value)) return null;
  const threshold = Math.min(3.5, Math.log2(value.length) - 0.75);
  if (shannonEntropy(value) < threshold) return null;
  const lower = value.toLowerCase();
  for (const word of STOPWORDS) if (lower.includes(word)) return null;
  return { kind: 'generic_secret', priority: Priority.generic };
}
