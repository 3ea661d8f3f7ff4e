import { postJson } from './post-json.js';
import type { PushCheckRequest, PushCheckResult } from './push-check.js';

/** Asks the service about a push (POST /api/v1/push-checks). Throws with a reason the pusher may read. */
export async function requestPushCheck(hook: { url?: string; token?: string; timeoutMs: number }, req: PushCheckRequest): Promise<PushCheckResult> {
  if (hook.url === undefined || hook.token === undefined) throw new Error('FLOWTRAIL_URL and FLOWTRAIL_TOKEN are not set');
  const res = await postJson(`${hook.url}/api/v1/push-checks`, hook.token, req, hook.timeoutMs);
  if (res.status === 200 && isResult(res.body)) return res.body;
  // Refused credentials are a setting to fix, said in the settings' names.
  if (res.status === 401 || res.status === 403) throw new ServiceRefusal(res.status, `FLOWTRAIL_TOKEN was not accepted by FLOWTRAIL_URL (${res.status})`);
  const message = (res.body as { message?: unknown } | null)?.message;
  throw new ServiceRefusal(res.status, `the service answered ${res.status}${typeof message === 'string' ? `: ${message.slice(0, 300)}` : ''}`);
}

/** The service answered, but not with a decision. */
export class ServiceRefusal extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
    this.name = 'ServiceRefusal';
  }
}

function isResult(b: unknown): b is PushCheckResult {
  const r = b as PushCheckResult | null;
  return r !== null && (r.decision === 'accepted' || r.decision === 'rejected') && Array.isArray(r.findings);
}
