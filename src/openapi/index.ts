export { createOpenApiApp } from './openapi-app.js';
export { buildOpenApi, jsonSchemaOf, rolesOf } from './build-openapi.js';
export { OPERATIONS, type Operation, type Guard } from './operations.js';
