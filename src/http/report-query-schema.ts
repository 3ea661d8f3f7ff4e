import { z } from 'zod';
import { REPORT_FORMATS, REPORT_FRAMEWORKS } from '../config.js';
import { dateSchema } from './query.js';

/** The query of GET /api/v1/reports (also in the OpenAPI document). */
export const reportQuerySchema = z.object({
  framework: z.enum(REPORT_FRAMEWORKS),
  from: dateSchema,
  to: dateSchema,
  format: z.enum(REPORT_FORMATS).default('html'),
});
