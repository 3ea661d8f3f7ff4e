import type { Sql } from './database.js';
import { ownerFunctionCall } from './owner-function-error.js';

export const HOLD_SCOPES = ['session', 'user', 'project'] as const;
export type HoldScope = (typeof HOLD_SCOPES)[number];

export interface LegalHold {
  id: number;
  scope: HoldScope;
  value: string;
  reason: string;
  placedBy: string;
  placedAt: Date;
  releasedAt: Date | null;
  releasedBy: string | null;
  releaseReason: string | null;
}

interface HoldJson {
  id: number; scope: HoldScope; value: string; reason: string; placed_by: string; placed_at: string;
  released_at: string | null; released_by: string | null; release_reason: string | null;
}

const fromJson = (h: HoldJson): LegalHold => ({
  id: h.id, scope: h.scope, value: h.value, reason: h.reason, placedBy: h.placed_by, placedAt: new Date(h.placed_at),
  releasedAt: h.released_at === null ? null : new Date(h.released_at), releasedBy: h.released_by, releaseReason: h.release_reason,
});

// Holds change only through the owner's functions (migrations/0018_legal_holds.sql),
// which record legal_hold_placed / legal_hold_released in the same transaction.

/** Places a hold; recorded as legal_hold_placed. */
export async function placeLegalHold(sql: Sql, input: { scope: string; value: string; reason: string }, actor: string): Promise<LegalHold> {
  const [row] = await ownerFunctionCall(sql<{ h: HoldJson }[]>`select flowtrail_place_hold(${input.scope}, ${input.value}, ${input.reason}, ${actor}) as h`);
  return fromJson(row!.h);
}

/** Releases an active hold (404 when there is none, 409 when already released); recorded as legal_hold_released. */
export async function releaseLegalHold(sql: Sql, id: number, actor: string, reason: string | null): Promise<LegalHold> {
  const [row] = await ownerFunctionCall(sql<{ h: HoldJson }[]>`select flowtrail_release_hold(${id}::bigint, ${actor}, ${reason}::text) as h`);
  return fromJson(row!.h);
}

/** Holds, newest first: the active ones, or all of them. */
export async function listLegalHolds(sql: Sql, options: { includeReleased?: boolean; id?: number } = {}): Promise<LegalHold[]> {
  return sql<LegalHold[]>`
    select id::int, scope, value, reason, placed_by, placed_at, released_at, released_by, release_reason from legal_holds
    where (${options.includeReleased === true} or released_at is null)
      and (${options.id ?? null}::bigint is null or id = ${options.id ?? null}::bigint)
    order by id desc`;
}

/** The active holds that keep a session from retention and erasure (by its id, its initiator or its project). */
export async function holdsOnSession(sql: Sql, session: { sessionId: string; username: string | null; projectPath: string | null }): Promise<LegalHold[]> {
  return sql<LegalHold[]>`
    select id::int, scope, value, reason, placed_by, placed_at, released_at, released_by, release_reason from legal_holds
    where id = any(flowtrail_holds_on(${session.sessionId}, ${session.username}::text, ${session.projectPath}::text))
    order by id`;
}
