import { z } from 'zod';
import { EXPORT_FORMATS } from '../audit/index.js';
import { eventQuerySchema } from './query.js';

/** The query of GET /api/v1/export and of the dashboard's export form (also in the OpenAPI document). */
export const exportQuerySchema = eventQuerySchema.omit({ cursor: true, limit: true, after_seq: true, order: true }).extend({
  format: z.enum(EXPORT_FORMATS).default('ndjson'),
  bundle: z.enum(['true', 'false']).optional(),
});
