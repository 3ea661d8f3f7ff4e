import { describe, expect, it } from 'vitest';
import { loadDemo } from '../../src/demo/index.js';
import { DEMO_AWS_KEY } from '../../src/demo/demo-events.js';
import { useTestApp } from '../support/app.js';

describe('the demo', () => {
  const t = useTestApp();

  it("stores its AWS key pair redacted: a key that reads as real, not AWS's documentation key", async () => {
    expect(DEMO_AWS_KEY.id).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(DEMO_AWS_KEY.id).not.toMatch(/EXAMPLE/);
    expect(DEMO_AWS_KEY.secret).toHaveLength(41);
    const loaded = await loadDemo(t.deps.sql, t.deps.sanitizer);
    expect(loaded.accepted).toBe(loaded.total);
    await t.deps.integrator.integrate();
    const res = await t.get('/api/v1/sessions/demo-1002', await t.token('auditor'));
    expect(res.status).toBe(200);
    const body = (await res.json()) as { timeline: { type: string; data: { input_prompt: string } }[] };
    const prompt = body.timeline.find((e) => e.type === 'duo_flow_started')!.data.input_prompt;
    expect(prompt).toMatch(/Deploy key is in AWS: \[REDACTED:aws_access_key_id:[0-9a-f]{8}\] \/ \[REDACTED:aws_secret_access_key:[0-9a-f]{8}\]$/);
    const raw = JSON.stringify(await t.deps.sql`select leaf, texts from audit_events`);
    expect(raw).not.toContain(DEMO_AWS_KEY.id);
    expect(raw).not.toContain(DEMO_AWS_KEY.secret);
  });
});
