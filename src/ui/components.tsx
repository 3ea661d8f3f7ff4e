import type { Child, FC } from 'hono/jsx';
import { relativeTime } from './relative-time.js';
import { statusWords } from './status-words.js';

const STATUS_VARIANT: Record<string, string> = {
  completed: 'success', failed: 'danger', running: 'info', paused: 'warning', stopped: 'neutral', created: 'muted',
};

export const StatusBadge: FC<{ status: string; deleted?: boolean }> = ({ status, deleted }) => (
  <>
    <span class={`badge badge-${STATUS_VARIANT[status] ?? 'neutral'}`}>{statusWords(status)}</span>
    {deleted === true ? <> <span class="badge badge-neutral" title="deleted in GitLab; kept here">deleted in GitLab</span></> : null}
  </>
);

export const Badge: FC<{ variant: 'success' | 'danger' | 'info' | 'warning' | 'neutral' | 'muted'; title?: string; children?: Child }> = ({ variant, title, children }) => (
  <span class={`badge badge-${variant}`} title={title}>{children}</span>
);

/** A relative time with the exact time on hover (and in the markup for machines). */
export const Time: FC<{ at: Date | string | null | undefined }> = ({ at }) => {
  if (at === null || at === undefined || at === '') return <span class="muted">–</span>;
  const d = typeof at === 'string' ? new Date(at) : at;
  if (Number.isNaN(d.getTime())) return <span class="muted">–</span>;
  const iso = d.toISOString();
  return <time datetime={iso} title={iso.replace('T', ' ').replace(/\.\d+Z$/, ' UTC')} data-relative="">{relativeTime(d)}</time>;
};

/** Only http(s) URLs become links; anything else (javascript:, data:, relative tricks) is shown as text. */
export function safeUrl(u: unknown): string | null {
  if (typeof u !== 'string') return null;
  try {
    const url = new URL(u);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null;
  } catch {
    return null;
  }
}

export const ExternalLink: FC<{ href: unknown; children?: Child }> = ({ href, children }) => {
  const url = safeUrl(href);
  return url === null ? <span>{children}</span> : <a href={url} rel="noopener noreferrer">{children}</a>;
};

export const Empty: FC<{ title: string; children?: Child }> = ({ title, children }) => (
  <div class="empty"><strong>{title}</strong>{children}</div>
);

/** A value of unknown shape, as readable text (strings as they are, the rest as indented JSON). */
export const Text: FC<{ value: unknown }> = ({ value }) => {
  if (value === null || value === undefined || value === '') return <span class="muted">–</span>;
  if (typeof value === 'object' && (value as { erased?: unknown }).erased === true) return <span class="badge badge-neutral">erased (GDPR)</span>;
  if (typeof value === 'object' && (value as { tampered?: unknown }).tampered === true) return <span class="badge badge-danger">text does not match its commitment</span>;
  return <pre class="text">{typeof value === 'string' ? value : JSON.stringify(value, null, 2)}</pre>;
};

export const HiddenCsrf: FC<{ token: string }> = ({ token }) => <input type="hidden" name="_csrf" value={token} />;
