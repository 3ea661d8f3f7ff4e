import { isOwnDelivery } from '../gitlab/index.js';
import type { DeliveryContext, StoredDelivery } from './delivery-handler.js';

/**
 * The bot's own footer edit and session note come back as deliveries: never
 * act on them (no loops). Answers the job's result when the delivery is the
 * bot's own, else null. Without a GitLab client there is no bot to ask about.
 */
export async function skipOwnDelivery(delivery: StoredDelivery, ctx: DeliveryContext): Promise<string | null> {
  if (ctx.gitlab === null) return null;
  const bot = await ctx.gitlab.currentUser();
  return isOwnDelivery(delivery.body, bot) ? `skipped: caused by flowtrail's own GitLab user ${bot.username}; not acted on` : null;
}
