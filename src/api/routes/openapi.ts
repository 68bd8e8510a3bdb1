import type { FastifyInstance } from 'fastify';
import { buildOpenApiDocument } from '../openapi.js';
import { schemaOf } from '../schemas.js';

/**
 * `GET /api/v1/openapi.json`: the API's OpenAPI 3.1 description. Served without the token, like most APIs' own
 * descriptions: it says what the routes accept, holds no data, and tools (code generators, API explorers) fetch it
 * before they have credentials. Built once, from the request schemas and the error catalogue.
 */
export function registerOpenApiRoute(app: FastifyInstance, version?: string): void {
  const document = JSON.stringify(buildOpenApiDocument(undefined, undefined, undefined, version));
  app.get('/api/v1/openapi.json', { schema: schemaOf('GET /api/v1/openapi.json') }, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').header('cache-control', 'public, max-age=300').send(document),
  );
}
