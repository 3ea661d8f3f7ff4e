import type { Hono } from 'hono';

/** A cookie jar over app.request(): what a browser would keep between requests. */
export class WebClient {
  private readonly jar = new Map<string, string>();
  constructor(private readonly app: Hono<any>, private readonly origin = 'http://localhost') {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size > 0) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.app.request(path, { ...init, headers });
    for (const c of res.headers.getSetCookie()) {
      const [pair, ...attrs] = c.split(';');
      const i = pair!.indexOf('=');
      const name = pair!.slice(0, i).trim();
      const value = pair!.slice(i + 1).trim();
      const expired = attrs.some((a) => /max-age=0/i.test(a) || /expires=thu, 01 jan 1970/i.test(a.trim()));
      if (value === '' || expired) this.jar.delete(name);
      else this.jar.set(name, value);
    }
    return res;
  }

  get(path: string): Promise<Response> {
    return this.request(path);
  }

  /** A form POST as a browser sends it from this site. */
  post(path: string, fields: Record<string, string>, origin: string | null = this.origin): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(origin === null ? {} : { origin }) },
      body: new URLSearchParams(fields).toString(),
    });
  }

  cookies(): string[] {
    return [...this.jar.keys()];
  }

  /** Signs in with an API token through the form; returns the page's CSRF token for later forms. */
  async signIn(token: string): Promise<Response> {
    const page = await (await this.get('/-/sign_in')).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)?.[1] ?? '';
    return this.post('/-/sign_in', { token, _csrf: csrf, return_to: '/-/duo/sessions' });
  }
}

/** The CSRF token a signed-in page carries in its forms. */
export function csrfOf(html: string): string {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
}
