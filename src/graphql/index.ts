export { createGraphqlApp, MAX_GRAPHQL_BODY_BYTES } from './graphql-app.js';
export { schema, WORKFLOW_MODEL } from './schema.js';
export { MAX_COST, MAX_DEPTH, MAX_FIRST } from './measure-operation.js';
export { parseGlobalId, toGlobalId } from './parse-global-id.js';
