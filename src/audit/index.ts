export { viewEvents, toView, ERASED, type EventView } from './event-view.js';
export { sessionView, resourcesOf, type ResourceView } from './session-view.js';
export { verifyDatabase, type DatabaseVerification } from './verify-database.js';
export { checkStoredRow, type RowCheck } from './check-stored-row.js';
export { exportEvents, type ExportOptions } from './export-events.js';
export { EXPORT_FORMATS, formatEvent, cefLine, ocsfEvent, csvCell, type ExportFormat } from './format-event.js';
export { runRetention, type RetentionResult } from './run-retention.js';
export { eraseTexts, type ErasureScope, type ErasureResult } from './erase-texts.js';
export { buildBundle, type BundleFile, type BundleOptions } from './build-bundle.js';
