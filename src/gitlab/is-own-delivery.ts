// A merge request or note delivery caused by flowtrail's own GitLab account
// (its footer edit, its session note) must not be acted on again: that is
// how a bot ends up answering itself forever. The marker check in write-back
// catches the same loop a second way.
import type { GitlabUser } from './gitlab-client.js';
import { obj, str } from './payload.js';

/** Whether the delivery's acting user (`user` of MR and note hooks) is the bot: by id when the payload has one, else by username. */
export function isOwnDelivery(body: unknown, bot: GitlabUser): boolean {
  const user = obj(obj(body).user);
  const id = str(user.id);
  if (id !== null) return id === bot.id;
  const username = str(user.username);
  return username !== null && username.toLowerCase() === bot.username.toLowerCase();
}
