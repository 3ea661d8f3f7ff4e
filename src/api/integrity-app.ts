import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { checkWitnessCopy, verifyDatabase } from '../audit/index.js';
import { countPending, latestCheckpoint, listCheckpoints, listSigningKeys, logSize } from '../store/index.js';
import { parseJsonBody, requirePermission, witnessCheckSchema } from '../http/index.js';
import { parseVerifierKey } from '../integrity/index.js';
import { AppError } from '../errors.js';

/** GET /api/v1/integrity (state of the log), /checkpoints, POST /verify (a full verification run) and /verify-against (a witness's copies). */
export function createIntegrityApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get('/', requirePermission(deps, 'read'), async (c) => {
    const [size, latest, pending, keys] = await Promise.all([logSize(deps.sql), latestCheckpoint(deps.sql), countPending(deps.sql), listSigningKeys(deps.sql)]);
    return c.json({
      origin: deps.origin,
      verifier_keys: deps.verifiers.map((v) => v.verifierKey),
      // Every key that has signed this log, in order (flowtrail keys list; verification reads the same history from the log itself).
      signing_keys: keys.map((k) => ({
        key_id: k.keyId, verifier_key: k.verifierKey, public_key: k.publicKey.toString('base64'), first_tree_size: k.firstTreeSize,
        rotation_seq: k.rotationSeq, handover: k.handover, recorded_at: k.recordedAt.toISOString(), retired_at: k.retiredAt?.toISOString() ?? null,
      })),
      tree_size: size,
      pending_intake: pending,
      latest_checkpoint:
        latest === null
          ? null
          : { tree_size: latest.treeSize, root_hash: latest.rootHash.toString('base64'), created_at: latest.createdAt.toISOString(), note: latest.note },
      events_since_checkpoint: size - (latest?.treeSize ?? 0),
    });
  });
  app.get('/checkpoints', requirePermission(deps, 'read'), async (c) => {
    const rows = await listCheckpoints(deps.sql);
    return c.json({
      checkpoints: rows.map((r) => ({ tree_size: r.treeSize, root_hash: r.rootHash.toString('base64'), created_at: r.createdAt.toISOString(), note: r.note })),
    });
  });
  app.post('/checkpoint', requirePermission(deps, 'export'), async (c) => {
    await deps.integrator.integrate();
    const size = await deps.integrator.checkpoint(true);
    return c.json({ tree_size: size ?? (await latestCheckpoint(deps.sql))?.treeSize ?? 0 });
  });
  // Body (optional): {"keys": ["<verifier key>", ...]} to verify against keys the caller holds instead of the service's.
  app.post('/verify', requirePermission(deps, 'verify'), async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { keys?: unknown };
    let verifiers = deps.verifiers;
    if (Array.isArray(body.keys) && body.keys.length > 0) {
      try {
        verifiers = body.keys.map((k) => parseVerifierKey(String(k)));
      } catch {
        throw new AppError('invalid', 'keys: each must be a verifier key (name+hash+key)');
      }
    }
    await deps.integrator.integrate();
    return c.json(await verifyDatabase(deps.sql, verifiers, deps.origin, { deep: c.req.query('deep') === 'true' }));
  });
  // Body: {"checkpoints": [{"file", "note"}, ...], "keys"?: [...]}: a witness's copies, checked against the log (flowtrail verify --against).
  app.post('/verify-against', requirePermission(deps, 'verify'), async (c) => {
    const body = await parseJsonBody(c, witnessCheckSchema, '{"checkpoints": [{"file", "note"}, ...], "keys"?: [...]}');
    let verifiers = deps.verifiers;
    if (body.keys !== undefined && body.keys.length > 0) {
      try {
        verifiers = body.keys.map((k) => parseVerifierKey(k));
      } catch {
        throw new AppError('invalid', 'keys: each must be a verifier key (name+hash+key)');
      }
    }
    await deps.integrator.integrate();
    return c.json(await checkWitnessCopy(deps.sql, verifiers, deps.origin, body.checkpoints));
  });
  return app;
}
