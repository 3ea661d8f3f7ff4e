import type { FC } from 'hono/jsx';

const SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/i;

/** A commit SHA as GitLab shows it: the first 8 characters, the full SHA on hover. */
export const ShortSha: FC<{ sha: string }> = ({ sha }) => <abbr class="mono" title={sha}>{sha.slice(0, 8)}</abbr>;

/** A GitLab object as people name it: a merge request `!57`, an issue `#12`, a commit by its short SHA. */
export const ResourceName: FC<{ type: unknown; id: unknown }> = ({ type, id }) => {
  if (id === null || id === undefined || id === '') return <>–</>;
  const text = typeof id === 'string' || typeof id === 'number' ? String(id) : JSON.stringify(id);
  if (type === 'MergeRequest' && /^\d+$/.test(text)) return <>!{text}</>;
  if (type === 'Issue' && /^\d+$/.test(text)) return <>#{text}</>;
  if (SHA.test(text)) return <ShortSha sha={text} />;
  return <>{text}</>;
};

/** A resource type in words. */
export function resourceTypeWords(type: unknown): string {
  const words: Record<string, string> = { MergeRequest: 'Merge request', Commit: 'Commit', Note: 'Comment', Issue: 'Issue', Branch: 'Branch', Pipeline: 'Pipeline' };
  return typeof type === 'string' ? (Object.hasOwn(words, type) ? words[type]! : type) : '–';
}
