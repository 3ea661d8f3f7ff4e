import type { LegalHold } from '../store/index.js';

/** A legal hold as the API, the CLI and the pages show it. */
export function holdView(h: LegalHold) {
  return {
    id: h.id, scope: h.scope, value: h.value, reason: h.reason, placed_by: h.placedBy, placed_at: h.placedAt.toISOString(),
    active: h.releasedAt === null, released_at: h.releasedAt?.toISOString() ?? null, released_by: h.releasedBy, release_reason: h.releaseReason,
  };
}

export type HoldView = ReturnType<typeof holdView>;
