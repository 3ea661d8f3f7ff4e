import { setupServer } from 'msw/node';
import { afterAll, afterEach, beforeAll } from 'vitest';

// One msw server for every test file. Any request to an address no handler
// claims fails the test, so nothing reaches a real network by accident.
export const server = setupServer();

beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterEach(() => server.resetHandlers());
afterAll(() => server.close());
