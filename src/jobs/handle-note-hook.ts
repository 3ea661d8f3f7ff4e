import { correlateNote, type GitlabEventHeader } from '../gitlab/index.js';
import { findRunningSession } from '../store/index.js';
import type { DeliveryHandler } from './delivery-handler.js';
import { skipOwnDelivery } from './skip-own-delivery.js';

export const NOTE_HOOK = 'Note Hook' satisfies GitlabEventHeader;
/** GitLab's name for a note on a confidential issue or an internal note; handled like any note. */
export const CONFIDENTIAL_NOTE_HOOK = 'Confidential Note Hook' satisfies GitlabEventHeader;

/** A note written by an agent account is linked to the session that agent was running on the project then. */
export const handleNoteHook: DeliveryHandler = async (delivery, ctx) => {
  const skipped = await skipOwnDelivery(delivery, ctx);
  if (skipped !== null) return skipped;
  const r = await correlateNote(delivery.body, {
    isAgent: await ctx.agentMatcher(),
    runningSession: (agentId, project, at) => findRunningSession(ctx.sql, agentId, project, at),
  });
  if (r.event === null) return `note: ${r.reason}`;
  const appended = await ctx.integrator.append([r.event]);
  return appended.accepted === 1 ? `note linked to session ${r.event.sessionId}` : 'note already linked';
};
