export { produceReport, reportDepsFrom, checkPeriod, MAX_PERIOD_DAYS, type ReportRequest, type ReportDeps, type ProducedReport } from './produce-report.js';
export { buildPack, rankSessions, SAMPLE_SESSIONS, SAMPLE_EVENTS, type EvidencePack, type PackSample, type PackInput } from './build-pack.js';
export { FRAMEWORKS, FRAMEWORK_INFO, isFramework, type Framework, type Control, type FrameworkInfo } from './frameworks.js';
export { renderHtml } from './render-html.js';
export { renderOscal, OSCAL_VERSION, FLOWTRAIL_NS } from './render-oscal.js';
export { renderPdf, CHROMIUM_ARGS } from './render-pdf.js';
export { deriveUuid, PACK_NAMESPACE } from './derive-uuid.js';
export { share, type ReportFigures } from './figures.js';
export { MIN_RETENTION_DAYS, type Finding, type FindingStatus, type Figure } from './rules.js';
