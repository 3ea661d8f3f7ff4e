export { deterministicUuid } from './deterministic-uuid.js';
export { mapFlowCallback, type MappedCallback } from './map-flow-callback.js';
