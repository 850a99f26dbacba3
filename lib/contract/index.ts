/**
 * The wire contract: everything that crosses the HTTP API, in one leaf module (it imports only
 * zod), used by the server (lib/server), the registry's validation (lib/registry/validate.ts),
 * the vision module's reason types and the browser's client (lib/client/api.ts).
 * How to add a route: docs/api.md, "Contract".
 */
export * from './errors';
export * from './limits';
export * from './openapi';
export * from './requests';
export * from './responses';
export * from './routes';
export * from './vocabulary';
