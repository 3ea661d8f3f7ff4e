export type { RefUpdate, SessionReference, PushedCommit, PushCheckRequest, PushCheckResult, Finding, FindingCode, UncheckedPush } from './push-check.js';
export { checkPush, type KnownSession, type PushCheckLookup } from './check-push.js';
export { HOOK_NAMES, runHook, type HookName } from './run-hook.js';
export { installHooks, INSTALL_MARKER, CHAINED_SUFFIX, CUSTOM_HOOK_FILE, type InstallReport } from './install-hooks.js';
export { requestPushCheck, ServiceRefusal } from './check-request.js';
export { walkRepository, projectPathFromUrl } from './walk-repository.js';
export { readNewCommits, parseLog } from './read-new-commits.js';
export { readUpdates, isNullId } from './read-updates.js';
