export { createStreamer, type Streamer, type StreamerOptions } from './create-streamer.js';
export { deliverBatch, type BatchOutcome } from './deliver-batch.js';
export {
  createDestination, changeDestination, removeDestination, findDestination, listDestinations, destinationView, displayUrl,
  type DestinationView, type Actor as DestinationActor,
} from './manage-destinations.js';
export { destinationCreateSchema, destinationUpdateSchema } from './destination-schema.js';
export { deriveSecretsKey, parseSecretsKey, sealSecret, openSecret } from './seal-secret.js';
export { gitlabStreamEvent } from './gitlab-stream-event.js';
export { formatStreamEvent, streamEventText, syslogMessage, octetCountedFrame, SD_ID } from './format-stream-event.js';
export { hecChannel, hecEndpoints } from './hec-sender.js';
export { STREAMING_TOKEN_HEADER, EVENT_TYPE_HEADER } from './http-sender.js';
export { streamLag, type DestinationLag } from './stream-lag.js';
export { renderSiemDoc, renderFieldTable, renderTypeTable } from './siem-mappings.js';
