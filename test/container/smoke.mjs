// The container harness's checks against a running flowtrail:
//   node test/container/smoke.mjs BASE_URL
// with FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN and FLOWTRAIL_WEBHOOK_SECRET in the
// environment (the values the container was started with). It waits for
// readiness, delivers a GitLab webhook, creates an ingest token through the
// API, posts a flow event with it, has a checkpoint signed, and checks that
// checkpoint's Ed25519 signature here against the verifier key the service
// publishes. Any unexpected answer exits 1 with what was wrong.
import { createHash, createPublicKey, randomUUID, verify } from 'node:crypto';

const base = process.argv[2];
const admin = process.env.FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN;
const webhookSecret = process.env.FLOWTRAIL_WEBHOOK_SECRET;
if (!base || !admin || !webhookSecret) {
  console.error('usage: FLOWTRAIL_BOOTSTRAP_ADMIN_TOKEN=... FLOWTRAIL_WEBHOOK_SECRET=... node smoke.mjs BASE_URL');
  process.exit(2);
}

function fail(message) {
  console.error(`smoke: FAILED: ${message}`);
  process.exit(1);
}

async function call(method, path, { token, headers = {}, body } = {}) {
  const res = await fetch(base + path, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

function expectStatus(what, res, status) {
  if (res.status !== status) fail(`${what}: expected ${status}, got ${res.status} ${res.text.slice(0, 300)}`);
  console.log(`smoke: ${what}: ${res.status}`);
}

async function waitReady() {
  const deadline = Date.now() + 60_000;
  let last = 'no answer';
  while (Date.now() < deadline) {
    try {
      const r = await call('GET', '/-/readiness');
      if (r.status === 200) return r;
      last = `${r.status} ${r.text.slice(0, 200)}`;
    } catch (err) {
      last = err.cause?.code ?? err.message;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`readiness within 60 s: last answer ${last}`);
}

/** Checks one signature line of a signed note (text, blank line, "— name base64(keyhash ‖ sig)") against a verifier key name+hex8+base64(0x01 ‖ key). */
function verifyNote(note, verifierKey) {
  const m = /^([^+]+)\+([0-9a-fA-F]{8})\+(.+)$/.exec(verifierKey);
  if (!m) fail(`malformed verifier key ${verifierKey}`);
  const [, name, hash8, key64] = m;
  const key = Buffer.from(key64, 'base64');
  if (key[0] !== 1 || key.length !== 33) fail(`verifier key ${verifierKey} is not an Ed25519 key`);
  const keyHash = createHash('sha256').update(`${name}\n`).update(key).digest().subarray(0, 4);
  if (keyHash.toString('hex') !== hash8.toLowerCase()) fail(`verifier key ${verifierKey}: its id does not match its key`);
  const split = note.indexOf('\n\n');
  if (split < 0) fail(`checkpoint note has no signature block: ${JSON.stringify(note)}`);
  const text = note.slice(0, split + 1);
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), key.subarray(1)]);
  const publicKey = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  for (const line of note.slice(split + 2).split('\n')) {
    const s = /^\u2014 (\S+) (\S+)$/.exec(line);
    if (!s || s[1] !== name) continue;
    const sig = Buffer.from(s[2], 'base64');
    if (sig.subarray(0, 4).equals(keyHash) && verify(null, Buffer.from(text), publicKey, sig.subarray(4))) return text;
  }
  fail(`no valid signature by ${verifierKey} on the checkpoint note ${JSON.stringify(note)}`);
}

expectStatus('GET /-/readiness', await waitReady(), 200);
expectStatus('GET /-/health', await call('GET', '/-/health'), 200);

expectStatus('POST /webhooks/gitlab with a wrong X-Gitlab-Token', await call('POST', '/webhooks/gitlab', {
  headers: { 'x-gitlab-token': `${webhookSecret}x`, 'x-gitlab-event': 'Push Hook' }, body: '{}',
}), 401);
const hook = await call('POST', '/webhooks/gitlab', {
  headers: { 'x-gitlab-token': webhookSecret, 'x-gitlab-event': 'Push Hook', 'idempotency-key': randomUUID() },
  body: { object_kind: 'push', ref: 'refs/heads/main', before: '0'.repeat(40), after: '1'.repeat(40), project_id: 4821, project: { id: 4821, path_with_namespace: 'group/project' }, commits: [], total_commits_count: 0 },
});
expectStatus('POST /webhooks/gitlab', hook, 200);
if (hook.json?.status !== 'stored') fail(`webhook delivery: expected {"status":"stored"}, got ${hook.text}`);

const created = await call('POST', '/api/v1/tokens', { token: admin, body: { role: 'ingest', name: 'container harness' } });
expectStatus('POST /api/v1/tokens (ingest)', created, 201);
const ingest = created.json.token;

const sessionId = `container-${Date.now()}`;
const events = await call('POST', '/api/v1/flow-events', {
  token: ingest,
  body: { event_id: randomUUID(), type: 'duo_flow_decision_logged', session_id: sessionId, occurred_at: new Date().toISOString(), step: 1, decision: 'ship it', rationale: 'the harness says so' },
});
expectStatus('POST /api/v1/flow-events', events, 202);
if (events.json?.accepted !== 1) fail(`flow event: expected accepted 1, got ${events.text}`);
expectStatus('POST /api/v1/flow-events with an unknown token', await call('POST', '/api/v1/flow-events', { token: `ftk_${'x'.repeat(40)}`, body: {} }), 401);

expectStatus('POST /api/v1/integrity/checkpoint', await call('POST', '/api/v1/integrity/checkpoint', { token: admin }), 200);
const integrity = await call('GET', '/api/v1/integrity', { token: admin });
expectStatus('GET /api/v1/integrity', integrity, 200);
const { latest_checkpoint: checkpoint, verifier_keys: keys, tree_size: treeSize } = integrity.json;
// The worker may append (the webhook's job) after the checkpoint: it need not cover the whole log.
if (!checkpoint || checkpoint.tree_size < 1 || checkpoint.tree_size > treeSize) fail(`expected a signed checkpoint, got ${integrity.text}`);
const signed = verifyNote(checkpoint.note, keys[0]);
if (signed.split('\n')[1] !== String(checkpoint.tree_size)) fail(`the signed note is not of tree size ${checkpoint.tree_size}: ${signed}`);
console.log(`smoke: checkpoint of ${checkpoint.tree_size} events signed by ${keys[0].slice(0, keys[0].indexOf('+'))}: ${signed.split('\n')[0]}`);

const verified = await call('POST', '/api/v1/integrity/verify', { token: admin });
expectStatus('POST /api/v1/integrity/verify', verified, 200);
if (verified.json?.ok !== true) fail(`verify: ${verified.text.slice(0, 500)}`);
console.log(`smoke: passed against ${base}`);
