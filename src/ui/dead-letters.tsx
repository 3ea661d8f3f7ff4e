import type { FC } from 'hono/jsx';
import type { JobListing } from '../store/index.js';
import { Time } from './components.js';

export interface DeadLetters {
  count: number;
  latest: JobListing[];
}

/** What each job does, for people. */
const JOB_WORDS: Record<string, string> = {
  'gitlab.delivery': 'Processing a GitLab webhook delivery',
  write_back_merge_request: 'Writing the session footer and note to a merge request',
  archive_session: "Copying a session's activity from GitLab before it is purged",
  verify_authorization: "Checking in GitLab that a session's initiator may use the project",
};

/** What an HTTP status from GitLab means. */
const STATUS_WORDS: Record<number, string> = {
  401: 'the bot token was refused',
  403: 'the bot account may not do this',
  404: 'GitLab does not have it (or the bot cannot see it)',
  429: 'GitLab is rate-limiting flowtrail',
  500: 'GitLab failed with an internal error',
  502: 'GitLab (or the proxy in front of it) is failing',
  503: 'GitLab is unavailable',
  504: 'GitLab (or the proxy in front of it) timed out',
};

/** A job's last error as a sentence: the error class dropped, a GitLab status explained. */
export function describeFailure(lastError: string | null): string {
  if (lastError === null || lastError === '') return 'no reason recorded';
  const text = lastError.replace(/^[A-Za-z]*Error: /, '');
  const status = /^GitLab \S+ \S+ answered (\d{3})/.exec(text)?.[1];
  const words = status === undefined ? undefined : STATUS_WORDS[Number(status)];
  return words === undefined ? text : `${words}: ${text}`;
}

export const DeadLettersBox: FC<{ dead: DeadLetters }> = ({ dead }) => (
  <>
    <h2>Dead letters <span class="muted">(jobs that used all their attempts)</span></h2>
    {dead.count === 0 ? <p class="muted">None: every job the worker was given has run or is still being retried.</p> : (
      <div class="alert">
        <p>{dead.count.toLocaleString('en-US')} {dead.count === 1 ? 'job has' : 'jobs have'} stopped being retried. Once the cause is fixed, send them back to the queue with <code>flowtrail jobs retry --all-dead</code> (or <code>--id N</code>; <code>POST /api/v1/jobs/retry-dead</code>); the latest:</p>
        <div class="table-box"><table>
          <thead><tr><th>Job</th><th>What it does</th><th>Why it stopped</th><th>Attempts</th><th>Given up</th></tr></thead>
          <tbody>{dead.latest.map((j) => (
            <tr><td class="mono">{j.id}</td><td>{JOB_WORDS[j.name] ?? j.name}</td><td>{describeFailure(j.lastError)}</td><td>{j.attempts}</td><td><Time at={j.finishedAt} /></td></tr>
          ))}</tbody>
        </table></div>
      </div>
    )}
  </>
);
