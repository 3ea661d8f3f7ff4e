import type { FC } from 'hono/jsx';
import { Layout } from './layout.js';

export const SignInPage: FC<{ gitlab: boolean; csrf: string; returnTo: string; error?: string; demo?: boolean }> = ({ gitlab, csrf, returnTo, error }) => (
  <Layout title="Sign in">
    <div class="signin">
      <h1>Sign in to flowtrail</h1>
      {error !== undefined ? <p class="error-box" role="alert">{error}</p> : null}
      {gitlab ? (
        <>
          <a class="button primary" href={`/-/auth/gitlab?return_to=${encodeURIComponent(returnTo)}`}>Sign in with GitLab</a>
          <hr />
        </>
      ) : null}
      <form method="post" action="/-/sign_in">
        <input type="hidden" name="_csrf" value={csrf} />
        <input type="hidden" name="return_to" value={returnTo} />
        <label for="token">API token</label>
        <input id="token" name="token" type="password" autocomplete="off" placeholder="ftk_..." required />
        <button type="submit" class={gitlab ? '' : 'primary'}>Sign in with a token</button>
        <p class="muted">{gitlab
          ? 'For installations without GitLab sign-in. A user token shows its own sessions; auditor and admin tokens show everything.'
          : 'GitLab sign-in is not configured (FLOWTRAIL_GITLAB_OAUTH_CLIENT_ID). Use an API token: `flowtrail token create --role user --user <GitLab username>`; `serve --demo` prints an admin token.'}</p>
      </form>
    </div>
  </Layout>
);
