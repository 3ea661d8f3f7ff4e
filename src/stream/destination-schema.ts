import { z } from 'zod';
import { DESTINATION_FORMATS, DESTINATION_TYPES } from '../store/index.js';

const filters = z.strictObject({
  types: z.array(z.string().min(1).max(128)).max(200).optional().describe('Event types to send (from the catalog); empty or absent: every type.'),
  projects: z.array(z.string().min(1).max(1024)).max(100).optional().describe('Projects (full paths or numeric ids) whose events to send; empty or absent: every project.'),
});

const fields = {
  name: z.string().min(1).max(255),
  type: z.enum(DESTINATION_TYPES).describe('http (GitLab streaming JSON, one event per request), splunk_hec (batched HEC) or syslog (RFC 5424 over TCP or TLS)'),
  url: z.string().min(1).max(2048).describe('http(s):// for http and splunk_hec (a bare HEC URL gets /services/collector/event), syslog:// or syslog+tls:// for syslog'),
  token: z.string().min(1).max(4096).nullable().optional()
    .describe('The token the receiver checks, or env:NAME to read it from the environment of the service. Stored sealed (AES-256-GCM); never returned.'),
  format: z.enum(DESTINATION_FORMATS).optional().describe('gitlab (default for http), ndjson (default for splunk_hec), cef (default for syslog) or ocsf'),
  filters: filters.optional(),
  active: z.boolean().optional().describe('Whether events are sent (default true).'),
  tls_ca: z.string().min(1).max(65_536).nullable().optional().describe('PEM certificate(s) to trust for https:// and syslog+tls://, besides the system roots.'),
};

/** The body of POST /api/v1/streaming-destinations (also in the OpenAPI document). */
export const destinationCreateSchema = z.strictObject({
  ...fields,
  start: z.enum(['beginning', 'now']).optional().describe('Send the log from its first event (beginning, the default) or only what is appended from now on.'),
});

/** The body of PATCH /api/v1/streaming-destinations/:id: any of the fields; a change resumes a paused destination. */
export const destinationUpdateSchema = z.strictObject({
  name: fields.name.optional(), type: fields.type.optional(), url: fields.url.optional(), token: fields.token,
  format: fields.format, filters: fields.filters, active: fields.active, tls_ca: fields.tls_ca,
});

export type DestinationCreate = z.infer<typeof destinationCreateSchema>;
export type DestinationUpdate = z.infer<typeof destinationUpdateSchema>;

/** zod's issues as one sentence, naming each field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}
