/** A project as events and sessions name it: GitLab's numeric id and its full path, either may be unknown. */
export interface ProjectRef {
  id?: string | number | null;
  path?: string | null;
}

/**
 * Whether a token limited to `projects` may write for `project`. An entry
 * with a slash is a full path (compared without regard to case, as GitLab
 * does); one without is a numeric project id. A token with no limit may write
 * for any project; a limited one never for a project it cannot name.
 */
export function tokenAllowsProject(projects: readonly string[] | null | undefined, project: ProjectRef): boolean {
  if (projects === null || projects === undefined) return true;
  const id = project.id === null || project.id === undefined ? null : String(project.id);
  const path = project.path?.toLowerCase() ?? null;
  return projects.some((p) => (p.includes('/') ? path !== null && p.toLowerCase() === path : id !== null && p === id));
}
