import { z } from 'zod';
import { AppError } from '../errors.js';

/** Shortest commit SHA prefix accepted: git's own default abbreviation. */
export const SHA_PREFIX_MIN = 7;

/** A full commit SHA (40 hex, or 64 for SHA-256 repositories) or a prefix of at least 7 hex characters; lower-cased. */
export const commitShaSchema = z.string()
  .regex(/^[0-9a-fA-F]{7,64}$/, `must be a commit SHA or a prefix of it: ${SHA_PREFIX_MIN} to 64 hexadecimal characters`)
  .transform((s) => s.toLowerCase());

// A GitLab path segment: letters, digits, '_', '-' and '.', not starting with '-'.
const SEGMENT = '[A-Za-z0-9_.][A-Za-z0-9_.-]{0,254}';
const MR_REFERENCE = new RegExp(`^(${SEGMENT}(?:/${SEGMENT})+)!([1-9][0-9]{0,9})$`);

export interface MergeRequestRef {
  projectPath: string;
  iid: string;
}

/** GitLab's full merge request reference, GROUP/PROJECT!IID (subgroups allowed), e.g. my-group/my-project!42. */
export const mergeRequestRefSchema = z.string().max(1024)
  .regex(MR_REFERENCE, 'must be a merge request reference GROUP/PROJECT!IID, e.g. my-group/my-project!42')
  .transform((s): MergeRequestRef => {
    const m = MR_REFERENCE.exec(s)!;
    return { projectPath: m[1]!, iid: m[2]! };
  });

/** A GraphQL argument checked by one of these schemas; a bad value is a clear `invalid` error naming the argument. */
export function parseResourceArg<T extends z.ZodType>(schema: T, name: string, value: unknown): z.output<T> {
  const r = schema.safeParse(value);
  if (!r.success) throw new AppError('invalid', `${name}: ${r.error.issues.map((i) => i.message).join('; ')}`);
  return r.data;
}
