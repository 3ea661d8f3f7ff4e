import type { RESOURCE_TYPES } from '../events.js';

type ResourceType = (typeof RESOURCE_TYPES)[number];

// POST endpoints that create the objects flowtrail tracks (GitLab REST API v4).
const CREATES: [RegExp, ResourceType][] = [
  [/^\/merge_requests\/?$/, 'MergeRequest'],
  [/^\/(?:merge_requests|issues)\/\d+\/notes\/?$/, 'Note'],
  [/^\/(?:merge_requests|issues)\/\d+\/discussions\/?$/, 'Note'],
  [/^\/repository\/commits\/?$/, 'Commit'],
  [/^\/repository\/branches\/?$/, 'Branch'],
  [/^\/issues\/?$/, 'Issue'],
  [/^\/(?:pipeline|pipelines)\/?$/, 'Pipeline'],
];

/** The project (numeric id or decoded path) of a `/api/v4/projects/:id/...` request and what a POST to it creates. */
export function parseApiRequest(method: string, path: string): { project: string | null; creates: ResourceType | null } {
  const m = /^\/api\/v4\/projects\/([^/?#]+)(\/[^?#]*)?/.exec(path);
  if (m === null) return { project: null, creates: null };
  let project: string;
  try {
    project = decodeURIComponent(m[1]!);
  } catch {
    return { project: null, creates: null };
  }
  const rest = m[2] ?? '';
  const creates = method === 'POST' ? (CREATES.find(([re]) => re.test(rest))?.[1] ?? null) : null;
  return { project, creates };
}
