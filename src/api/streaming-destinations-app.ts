import { Hono } from 'hono';
import type { AppDeps, AppEnv } from '../app-env.js';
import { AppError } from '../errors.js';
import { limitBody, requirePermission } from '../http/index.js';
import { changeDestination, createDestination, destinationView, findDestination, listDestinations, removeDestination, streamLag } from '../stream/index.js';

const MAX_BODY = 96 * 1024;

async function readJson(c: { req: { json(): Promise<unknown> } }): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    throw new AppError('invalid', 'the body must be a JSON object: {"name", "type": "http|splunk_hec|syslog", "url", "token"?, "format"?, "filters"?, "active"?}');
  }
}

/**
 * POST|GET /api/v1/streaming-destinations and GET|PATCH|DELETE
 * /api/v1/streaming-destinations/:id (admin only). Every change is audited;
 * a token is never answered, only whether one is set.
 */
export function createStreamingDestinationsApp(deps: AppDeps): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.use('*', requirePermission(deps, 'manage_streaming'));
  const actor = (c: { get(k: 'principal'): { tokenId: string; username: string | null } }) => ({ id: c.get('principal').tokenId, username: c.get('principal').username });
  const lagOf = async () => new Map((await streamLag(deps.sql)).map((l) => [l.destination.id, { lag_events: l.events, lag_seconds: Math.round(l.seconds * 1000) / 1000 }]));

  app.post('/', limitBody(MAX_BODY), async (c) => {
    const row = await createDestination(deps.sql, deps.secretsKey, await readJson(c), actor(c));
    await deps.streamer?.refresh();
    return c.json(destinationView(row), 201);
  });
  app.get('/', async (c) => {
    const [rows, lag] = await Promise.all([listDestinations(deps.sql), lagOf()]);
    return c.json({ destinations: rows.map((d) => ({ ...destinationView(d), ...lag.get(d.id) })) });
  });
  app.get('/:id', async (c) => {
    const row = await findDestination(deps.sql, c.req.param('id'));
    return c.json({ ...destinationView(row), ...(await lagOf()).get(row.id) });
  });
  app.patch('/:id', limitBody(MAX_BODY), async (c) => {
    const row = await changeDestination(deps.sql, deps.secretsKey, c.req.param('id'), await readJson(c), actor(c));
    await deps.streamer?.refresh();
    return c.json(destinationView(row));
  });
  app.delete('/:id', async (c) => {
    const row = await removeDestination(deps.sql, c.req.param('id'), actor(c));
    await deps.streamer?.refresh();
    return c.json({ id: row.id, removed: true });
  });
  return app;
}
