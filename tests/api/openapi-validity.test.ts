import { Validator } from '@seriousme/openapi-schema-validator';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';
import { openTestApp, testAuth as auth } from '../support/app.js';

type Operation = {
  parameters: Array<{ name: string; in: string; schema: { minimum?: number; maximum?: number; type?: string } }>;
  responses: Record<string, { content?: Record<string, { schema: unknown }> }>;
  security: unknown[];
  summary: string;
};
type Document = { openapi: string; paths: Record<string, Record<string, Operation>>; components: { schemas: { ErrorCode: { enum: string[] } } } };

/**
 * Every `METHOD path` fastify registered under `prefix`, read from `printRoutes`' tree (HEAD, which fastify adds to
 * each GET, left out). Only for subtrees without `a|b` nodes (two parameter names at one place), as /api/v1 is.
 */
function registeredRoutes(app: FastifyInstance, prefix: string): string[] {
  const routes: string[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)[├└]── (.*?)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length / 4;
    stack[depth] = (depth === 0 ? '' : stack[depth - 1]!) + match[2]!;
    stack.length = depth + 1;
    if (!stack[depth]!.startsWith(prefix)) continue;
    expect(stack[depth]).not.toContain('|');
    for (const method of (match[3] ?? '').split(', ').filter((m) => m && m !== 'HEAD')) routes.push(`${method} ${stack[depth]}`);
  }
  return routes;
}

describe('OpenAPI description at /api/v1/openapi.json: validity, route coverage, drift', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let doc: Document;

  beforeAll(async () => {
    ({ app, close } = await openTestApp('openapi', { channels: [{ id: 'all', title: 'All' }] }));
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: auth });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    doc = response.json();
  });

  afterAll(() => close());

  it('is valid OpenAPI 3.1 (and the validator does refuse a broken document)', async () => {
    const result = await new Validator().validate(doc as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    const broken = structuredClone(doc) as unknown as { paths: Record<string, Record<string, { responses: unknown }>> };
    broken.paths['/api/v1/sources']!.get!.responses = 'none';
    expect((await new Validator().validate(broken as unknown as Record<string, unknown>)).valid).toBe(false);
  });

  it('describes every route fastify registered under /api/v1, and only routes fastify has', () => {
    const registered = registeredRoutes(app, '/api/v1');
    expect(registered).toContain('GET /api/v1/sources/:id');
    const described = Object.entries(doc.paths).flatMap(([path, operations]) => Object.keys(operations).map((method) => `${method.toUpperCase()} ${path}`));
    const asOpenApi = (route: string) => route.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    expect(registered.map(asOpenApi).sort()).toEqual(described.filter((route) => route.includes(' /api/v1')).sort());
    // The other way, for every path: each operation described is one fastify routes (feeds, WebSub, health, /admin).
    for (const route of described) {
      const [method, path] = route.split(' ') as [string, string];
      expect(app.hasRoute({ method: method as 'GET', url: path.replace(/\{([A-Za-z0-9_]+)\}/g, ':$1') }), route).toBe(true);
    }
    expect(described).toContain('GET /admin');
    for (const operations of Object.values(doc.paths)) for (const operation of Object.values(operations)) expect(operation.summary.length).toBeGreaterThan(10);
  });

  it('lists every SYN_ERR code of the catalogue, and the error responses a route gives', () => {
    expect(doc.components.schemas.ErrorCode.enum.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    const get = doc.paths['/api/v1/sources/{id}']!.get!;
    expect(Object.keys(get.responses).sort()).toEqual(['200', '400', '401', '403', '404', '500', '503']);
    // A consumer token (scoped to one subscription) reaching any other /api route is refused with 403.
    expect(JSON.stringify(get.responses['403'])).toContain('SYN_ERR_FORBIDDEN');
    expect(JSON.stringify(get.responses['503'])).toContain('SYN_ERR_REDIS_UNAVAILABLE');
    expect(get.security).toEqual([{ bearer: [] }, { basic: [] }]);
    expect(doc.paths['/healthz']!.get!.responses['401']).toBeUndefined();
    expect(JSON.stringify(doc.paths['/api/v1/jobs/{queue}/{jobId}/replay']!.post!.responses['409'])).toContain('SYN_ERR_CONFLICT');
  });

  it('cannot drift: what it calls invalid is refused with 400, what it allows is accepted', async () => {
    const items = doc.paths['/api/v1/items']!.get!;
    const limit = items.parameters.find((p) => p.name === 'limit' && p.in === 'query')!;
    expect(limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 500 });
    for (const value of [limit.schema.minimum! - 1, -1, limit.schema.maximum! + 1, 'abc']) {
      const refused = await app.inject({ method: 'GET', url: `/api/v1/items?limit=${value}`, headers: auth });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.code).toBe('SYN_ERR_BAD_REQUEST');
    }
    expect((await app.inject({ method: 'GET', url: `/api/v1/items?limit=${limit.schema.maximum}`, headers: auth })).statusCode).toBe(200);
    // A query parameter the document does not list is refused too (the schemas are strict).
    expect(items.parameters.map((p) => p.name)).not.toContain('sort');
    expect((await app.inject({ method: 'GET', url: '/api/v1/items?sort=asc', headers: auth })).statusCode).toBe(400);
    // A path parameter's enum: `queue` takes normalize, dedup or publish.
    const queue = doc.paths['/api/v1/jobs/{queue}/failed']!.get!.parameters.find((p) => p.name === 'queue')!;
    expect(queue.schema).toMatchObject({ enum: ['normalize', 'dedup', 'publish'] });
    expect((await app.inject({ method: 'GET', url: '/api/v1/jobs/fetch/failed', headers: auth })).statusCode).toBe(400);
    expect((await app.inject({ method: 'GET', url: '/api/v1/jobs/dedup/failed', headers: auth })).statusCode).toBe(200);
    // A body the document's schema requires fields of.
    const replay = doc.paths['/api/v1/deliveries/replay']!.post! as unknown as {
      requestBody: { required: boolean; content: Record<string, { schema: { required: string[] } }> };
    };
    expect(replay.requestBody.content['application/json']!.schema.required).toEqual(['from', 'to']);
    expect((await app.inject({ method: 'POST', url: '/api/v1/deliveries/replay', headers: auth, payload: { from: '2025-01-01T00:00:00Z' } })).statusCode).toBe(
      400,
    );
  });
});
