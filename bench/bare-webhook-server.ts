// The floor of the webhook benchmark: bare Hono on @hono/node-server that
// reads the body and answers 200, nothing else (no token check, no
// sanitizing, no database). Run by bench/webhook.ts as a child process, on
// the port given as the first argument.
import { serve } from '@hono/node-server';
import { Hono } from 'hono';

const app = new Hono();
app.post('/webhooks/gitlab', async (c) => {
  await c.req.text();
  return c.json({ status: 'stored' }, 200);
});
app.get('/-/readiness', (c) => c.json({ status: 'ready' }));
serve({ fetch: app.fetch, hostname: '127.0.0.1', port: Number(process.argv[2]) });
