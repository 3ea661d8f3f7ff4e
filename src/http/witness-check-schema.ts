import { z } from 'zod';

/** The body of POST /api/v1/integrity/verify-against (also in the OpenAPI document). */
export const witnessCheckSchema = z.strictObject({
  checkpoints: z.array(z.strictObject({
    file: z.string().min(1).max(255).describe('Where the copy came from, for the report (its file name).'),
    note: z.string().min(1).max(10_000).describe('The signed checkpoint note, as the witness holds it.'),
  })).min(1).max(100_000),
  keys: z.array(z.string().max(1000)).max(100).optional().describe('Verifier keys (name+hash+key) to trust instead of the service\'s own.'),
});
