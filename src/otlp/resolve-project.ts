import { ATTRIBUTES } from './genai-attributes.js';
import type { OtlpSpan } from './otlp-span.js';

/** One entry of FLOWTRAIL_OTLP_PROJECT_MAP: a service name, a repository URL, or `*`, and the GitLab project path it stands for. */
export interface ProjectMapEntry {
  key: string;
  project: string;
}

const PATH = /^[A-Za-z0-9_.-]+(?:\/[A-Za-z0-9_.-]+)+$/;

/**
 * The GitLab project a session belongs to: FLOWTRAIL_OTLP_PROJECT_MAP by
 * service.name, then by repository URL; else the path of
 * vcs.repository.url.full (https://gitlab.example.com/group/project.git ->
 * group/project); else the map's `*` entry. Without any, the session is
 * refused in words.
 */
export function resolveProject(root: OtlpSpan, map: readonly ProjectMapEntry[]): { path: string } | { error: string } {
  const service = root.resource['service.name'];
  const repoValue = ATTRIBUTES.repository.attributes.map((n) => root.attributes[n] ?? root.resource[n]).find((v) => typeof v === 'string');
  const repo = typeof repoValue === 'string' ? repoValue : undefined;
  const byService = typeof service === 'string' ? map.find((e) => e.key === service) : undefined;
  if (byService !== undefined) return { path: byService.project };
  const byRepo = repo === undefined ? undefined : map.find((e) => e.key === repo || e.key === repo.replace(/\.git$/, ''));
  if (byRepo !== undefined) return { path: byRepo.project };
  const fromRepo = repo === undefined ? undefined : repositoryPath(repo);
  if (fromRepo !== undefined) return { path: fromRepo };
  const fallback = map.find((e) => e.key === '*');
  if (fallback !== undefined) return { path: fallback.project };
  return { error: 'the session names no project: set the resource attribute vcs.repository.url.full, or map its service.name in FLOWTRAIL_OTLP_PROJECT_MAP' };
}

/** group/project from a repository URL (https or scp-like git@host:group/project.git); undefined when it has none. */
export function repositoryPath(url: string): string | undefined {
  const scp = /^[\w.-]+@[\w.-]+:(.+)$/.exec(url);
  let path: string;
  if (scp !== null) {
    path = scp[1]!;
  } else {
    if (!URL.canParse(url)) return undefined;
    path = new URL(url).pathname;
  }
  path = path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '').replace(/\/-\/.*$/, '');
  return PATH.test(path) && path.length <= 1024 ? path : undefined;
}
