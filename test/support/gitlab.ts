import { http, HttpResponse } from 'msw';

// GitLab as msw plays it: the base URL, a path helper, and builders of
// GitLab's response shapes. Failure cases override handlers per test.
export const GITLAB = 'https://gitlab.test';
export const api = (p: string): string => `${GITLAB}/api/v4${p}`;

export interface CommitFixture {
  id: string;
  message: string;
  author_name: string;
  author_email: string;
}

/** GET /projects/:id/repository/commits with GitLab's offset pagination headers. */
export function commitsHandler(commits: readonly CommitFixture[], seen?: string[]) {
  return http.get(api('/projects/:id/repository/commits'), ({ request }) => {
    const url = new URL(request.url);
    seen?.push(`${url.searchParams.get('ref_name')} page ${url.searchParams.get('page') ?? '1'}`);
    const perPage = Number(url.searchParams.get('per_page') ?? 20);
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = commits.slice((page - 1) * perPage, page * perPage);
    const totalPages = Math.max(1, Math.ceil(commits.length / perPage));
    const next = new URL(url);
    next.searchParams.set('page', String(page + 1));
    return HttpResponse.json(
      slice.map((c) => ({ ...c, title: c.message.split('\n')[0], authored_date: '2026-03-10T14:20:00.000Z', web_url: `${GITLAB}/p/-/commit/${c.id}` })),
      { headers: { 'x-page': String(page), 'x-per-page': String(perPage), 'x-total': String(commits.length), 'x-total-pages': String(totalPages), 'x-next-page': page < totalPages ? String(page + 1) : '', ...(page < totalPages ? { link: `<${next.toString()}>; rel="next"` } : {}) } },
    );
  });
}

export function memberHandler(levels: Record<string, number>) {
  return http.get(api('/projects/:id/members/all/:userId'), ({ params }) => {
    const level = levels[String(params.userId)];
    return level === undefined ? HttpResponse.json({ message: '404 Not found' }, { status: 404 }) : HttpResponse.json({ id: Number(params.userId), access_level: level });
  });
}

export const sha = (i: number): string => i.toString(16).padStart(40, 'a');

/** flowtrail's own GitLab account in tests: the owner of the token the client sends. */
export const BOT_USER = { id: 4242, username: 'flowtrail-bot', name: 'flowtrail' };

/** GET /user, the account of the token; counts the calls when asked to. */
export function currentUserHandler(user: { id: number; username: string; name: string } = BOT_USER, calls?: { n: number }) {
  return http.get(api('/user'), () => {
    if (calls !== undefined) calls.n++;
    return HttpResponse.json({ ...user, state: 'active', bot: false, web_url: `${GITLAB}/${user.username}` });
  });
}
