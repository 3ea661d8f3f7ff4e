export { viewEvents, toView, ERASED, type EventView } from './event-view.js';
export { sessionView, resourcesOf, type ResourceView } from './session-view.js';
export { verifyDatabase, type DatabaseVerification } from './verify-database.js';
export { exportEvents, EXPORT_FORMATS, type ExportFormat, type ExportOptions } from './export-events.js';
export { runRetention, type RetentionResult } from './run-retention.js';
export { buildBundle, type BundleFile, type BundleOptions } from './build-bundle.js';
