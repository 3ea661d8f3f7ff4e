import { tokenAllowsProject, type ProjectRef } from '../auth/index.js';
import { AppError } from '../errors.js';
import type { NewEvent } from '../events.js';
import { sessionProjects, type Sql } from '../store/index.js';

const projectOf = (data: Record<string, unknown>): ProjectRef | null => {
  const p = data.project;
  if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
  const { id, path } = p as { id?: unknown; path?: unknown };
  const ref = { id: typeof id === 'string' || typeof id === 'number' ? id : null, path: typeof path === 'string' ? path : null };
  return ref.id === null && ref.path === null ? null : ref;
};
const describe = (p: ProjectRef) => (p.path ?? `id ${String(p.id)}`).slice(0, 256);

/**
 * For an ingest token limited to projects: every event must be for one of
 * them, by the project it names and by the project its session already has
 * (a limited token must not add to another project's session by naming its
 * own). An event of a session that no event of the request and nothing
 * stored places in a project is refused too. Throws 403 for the whole
 * request, before anything of it is stored.
 */
export async function checkTokenProjects(sql: Sql, projects: readonly string[] | null | undefined, events: readonly NewEvent[]): Promise<void> {
  if (projects === null || projects === undefined) return;
  const limit = `this token may post only for ${projects.join(', ').slice(0, 512)}`;
  const stored = await sessionProjects(sql, [...new Set(events.flatMap((e) => (e.sessionId === null ? [] : [e.sessionId])))]);
  const named = new Set(events.flatMap((e) => (e.sessionId !== null && projectOf(e.data) !== null ? [e.sessionId] : [])));
  for (const e of events) {
    const own = projectOf(e.data);
    if (own !== null && !tokenAllowsProject(projects, own)) {
      throw new AppError('forbidden', `${limit}; event ${e.eventId} is for project ${describe(own)}; nothing was stored`);
    }
    const session = e.sessionId === null ? undefined : stored.get(e.sessionId);
    const known = session !== undefined && (session.id !== null || session.path !== null);
    if (known && !tokenAllowsProject(projects, session)) {
      throw new AppError('forbidden', `${limit}; session ${e.sessionId!} belongs to project ${describe(session)}; nothing was stored`);
    }
    if (own === null && !known && (e.sessionId === null || !named.has(e.sessionId))) {
      throw new AppError('forbidden', `${limit}; event ${e.eventId} names no project and its session has none yet; nothing was stored`);
    }
  }
}
