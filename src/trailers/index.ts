export { parseTrailers, sessionReferences, type Trailer } from './parse-trailers.js';
