import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('../fixtures/', import.meta.url));

export type DapFixture =
  | 'audit_duo_session_started'
  | 'audit_duo_session_finished'
  | 'audit_duo_session_failed'
  | 'audit_duo_session_stopped'
  | 'audit_api_request_access_with_scope'
  | 'ai_event_tool_invoked'
  | 'ai_event_tool_invoked.streamed'
  | 'flow_event_finished'
  | 'workflow';

/** The exact bytes of a fixture (self-written payloads in GitLab's shapes; test/fixtures/gitlab-dap/README.md). */
export function fixtureText(name: DapFixture): string {
  return readFileSync(`${dir}gitlab-dap/${name}.json`, 'utf8');
}

export function fixture(name: DapFixture): Record<string, unknown> {
  return JSON.parse(fixtureText(name)) as Record<string, unknown>;
}
