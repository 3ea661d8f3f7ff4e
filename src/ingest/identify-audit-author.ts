// Who acted in a GitLab audit event: the author, whether it is an agent
// account, and the human it acted for, trusting only GitLab's own signs.
import { globToRegExp } from '../gitlab/index.js';
import { idString, obj, text, type Obj } from './audit-fields.js';

const ON_BEHALF = / on behalf of @([A-Za-z0-9_.-]+)$/;

export interface Person {
  id: string | null;
  username: string | null;
  name: string | null;
}

export interface AuditAuthor {
  authorId: string | null;
  /** As recorded: an agent's name without its "on behalf of" claim; a person's unverified claim kept aside. */
  author: { id: string | null; name: string | null; unverified_on_behalf_of?: string };
  /** The human the event was for, when GitLab names them or a known agent account claims them. */
  human: Person | null;
  /** GitLab itself marks the author as an agent account (composite identity, or a configured username pattern). */
  marker: boolean;
  authorIsAgent: boolean;
  /** The entity path when the entity is a user (its username). */
  entityUsername: string | null;
}

export interface AuthorLookups {
  isAgentAccount: (userId: string) => Promise<boolean>;
  agentPatterns: readonly string[];
}

/**
 * "<agent> on behalf of @<user>" is a display name, which any GitLab user can
 * set: it names the human only when the author is an agent account by
 * GitLab's own signs, or one flowtrail already knows (asked only for session
 * events and claims).
 */
export async function identifyAuditAuthor(e: Obj, isSessionEvent: boolean, lookups: AuthorLookups): Promise<AuditAuthor> {
  const details = obj(e.details);
  const authorId = idString(e.author_id);
  const authorName = text(e.author_name);
  const claim = ON_BEHALF.exec(authorName ?? '')?.[1] ?? null;
  const marked = markedHuman(details);
  const entityUsername = e.entity_type === 'User' ? text(e.entity_path) : null;
  const marker = marked !== null || hasCompositeScope(details.token_scopes)
    || (entityUsername !== null && lookups.agentPatterns.some((p) => globToRegExp(p).test(entityUsername)));
  const authorIsAgent = marker || (authorId !== null && (claim !== null || isSessionEvent) && await lookups.isAgentAccount(authorId));
  const human = marked ?? (claim !== null && authorIsAgent ? { id: null, username: claim, name: null } : null);
  const author: AuditAuthor['author'] = { id: authorId, name: authorIsAgent ? stripOnBehalf(authorName) : authorName };
  if (claim !== null && !authorIsAgent) author.unverified_on_behalf_of = claim;
  return { authorId, author, human, marker, authorIsAgent, entityUsername };
}

/** The human GitLab itself names under composite identity (19.3+: details.human_author_*, set by GitLab, not by the author). */
function markedHuman(details: Obj): Person | null {
  const username = text(details.human_author_username);
  const id = idString(details.human_author_id);
  return username !== null || id !== null ? { id, username, name: text(details.human_author_name) } : null;
}

/** A composite-identity token carries its human as a `user:<id>` scope: the token's own user is an agent account. */
function hasCompositeScope(scopes: unknown): boolean {
  return Array.isArray(scopes) && scopes.some((s) => typeof s === 'string' && /^user:\d+$/.test(s));
}

function stripOnBehalf(name: string | null): string | null {
  return name === null ? null : name.replace(ON_BEHALF, '');
}
