export { detectAnomalies, anomalyEvent, DETECTORS, type DetectionResult } from './detect-anomalies.js';
export { scheduleAnomalies } from './schedule-anomalies.js';
export { usualHours } from './detect-off-hours.js';
export { PERSON_MIN_SESSIONS } from './detect-token-spike.js';
export { RECENT_MS, type Anomaly, type DetectionContext } from './anomaly.js';
