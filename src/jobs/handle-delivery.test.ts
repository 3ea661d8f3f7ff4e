import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GITLAB_EVENT_HEADERS } from '../gitlab/index.js';
import { DELIVERY_HANDLERS } from './handle-delivery.js';

/** Every X-Gitlab-Event value in the recorded-shape fixtures: the webhook headers and the Duo flow callback's. */
function fixtureEventHeaders(): string[] {
  const webhooks = new URL('../../test/fixtures/gitlab-webhooks/', import.meta.url);
  const dap = new URL('../../test/fixtures/gitlab-dap/', import.meta.url);
  const sets = Object.values(JSON.parse(readFileSync(new URL('headers.json', webhooks), 'utf8')) as Record<string, unknown>)
    .filter((v): v is Record<string, string> => typeof v === 'object' && v !== null);
  for (const f of readdirSync(dap).filter((n) => n.endsWith('.headers.json'))) sets.push(JSON.parse(readFileSync(new URL(f, dap), 'utf8')) as Record<string, string>);
  return [...new Set(sets.map((h) => h['X-Gitlab-Event']).filter((e): e is string => e !== undefined))].sort();
}

describe('the delivery dispatch table', () => {
  it('is keyed only by X-Gitlab-Event values GitLab sends, as the fixtures record them', () => {
    const sent = fixtureEventHeaders();
    expect(sent.length).toBeGreaterThan(0);
    for (const name of Object.keys(DELIVERY_HANDLERS)) expect(sent).toContain(name);
  });

  it('has a handler for pushes, system hook pushes, merge requests, notes, internal notes and Duo flow callbacks', () => {
    expect(Object.keys(DELIVERY_HANDLERS).sort()).toEqual(['Confidential Note Hook', 'Duo Flow Callback', 'Merge Request Hook', 'Note Hook', 'Push Hook', 'System Hook']);
  });

  it('checks its keys against a header catalog that holds every fixture header', () => {
    for (const name of fixtureEventHeaders()) expect(GITLAB_EVENT_HEADERS).toContain(name);
  });
});
