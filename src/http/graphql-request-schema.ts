import { z } from 'zod';

const map = z.record(z.string(), z.unknown()).nullish();

/** The parameters of a GraphQL-over-HTTP request (POST body; on GET, variables and extensions are JSON strings). */
export const graphqlRequestSchema = z.object({
  query: z.string().max(100_000).describe('The GraphQL document.'),
  operationName: z.string().max(1024).nullish().describe('The operation to run when the document holds several.'),
  variables: map.describe('Values of the variables of the operation.'),
  extensions: map.describe('Reserved; ignored.'),
});
