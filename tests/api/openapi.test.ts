import type { FastifyInstance } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from '../../src/api/openapi.js';
import { ROUTE_SCHEMAS } from '../../src/api/schemas.js';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';
import { openTestApp, testAuth as auth } from '../support/app.js';
type Operation = { operationId: string; summary: string; parameters: Array<{ name: string; in: string; required: boolean; schema: object }>; requestBody?: { content: { 'application/json': { schema: object } } }; responses: Record<string, { description: string }>; security?: unknown[] };
type Document = { openapi: string; info: { version: string }; paths: Record<string, Record<string, Operation>>; components: { schemas: { ErrorCode: { enum: string[]; description: string } } } };

describe('/api/v1/openapi.json: OpenAPI 3.1 from the schemas that validate requests', () => {
  let app: FastifyInstance;
  let close: () => Promise<void>;
  let doc: Document;

  beforeAll(async () => {
    ({ app, close } = await openTestApp('openapi', {}));
    const response = await app.inject({ method: 'GET', url: '/api/v1/openapi.json', headers: auth });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('application/json');
    doc = response.json() as Document;
  });

  afterAll(() => close());

  it('is behind the token like the rest of /api', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/v1/openapi.json' })).statusCode).toBe(401);
  });

  it('describes every route the server has, and only those', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toMatch(/^\d+\.\d+\.\d+/);
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ':$1')}`));
    expect(documented.sort()).toEqual(Object.keys(ROUTE_SCHEMAS).sort());
    expect(Object.keys(ROUTE_DOCS).sort()).toEqual(Object.keys(ROUTE_SCHEMAS).sort());
    for (const key of Object.keys(ROUTE_SCHEMAS)) {
      const [method, url] = key.split(' ') as [string, string];
      expect(app.hasRoute({ method: method as 'GET', url }), key).toBe(true);
    }
    const ids = Object.values(doc.paths).flatMap((ops) => Object.values(ops).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    for (const op of Object.values(doc.paths).flatMap((ops) => Object.values(ops))) {
      expect(op.summary.length).toBeGreaterThan(10);
      expect(Object.keys(op.responses).some((status) => Number(status) < 400)).toBe(true);
    }
  });

  it('describes every error code of the catalogue, and each route names the codes its error answers carry', () => {
    const codes = doc.components.schemas.ErrorCode;
    expect(codes.enum.sort()).toEqual(Object.keys(ERROR_CATALOGUE).sort());
    for (const code of Object.keys(ERROR_CATALOGUE)) expect(codes.description).toContain(code);
    const put = doc.paths['/api/v1/sources/{id}']!.put!;
    expect(put.security).toEqual([{ bearer: [] }, { basic: [] }]);
    expect(put.responses['400']!.description).toContain('SYN_ERR_BAD_REQUEST');
    expect(put.responses['401']!.description).toContain('SYN_ERR_UNAUTHORIZED');
    expect(put.responses['403']!.description).toContain('SYN_ERR_FETCH_BLOCKED_ADDRESS');
    expect(put.responses['503']!.description).toContain('SYN_ERR_REDIS_UNAVAILABLE');
    expect(doc.paths['/api/v1/sources/{id}']!.get!.responses['404']!.description).toContain('SYN_ERR_NOT_FOUND');
    expect(doc.paths['/healthz']!.get!.security).toBeUndefined();
  });

  it("documents parameters and bodies that accept and refuse exactly what the server does", async () => {
    const items = doc.paths['/api/v1/items']!.get!;
    expect(items.parameters.map((p) => `${p.in}:${p.name}:${p.required}`).sort()).toEqual(['query:channel:false', 'query:limit:false', 'query:offset:false']);
    expect(doc.paths['/api/v1/sources/{id}']!.put!.parameters).toMatchObject([{ name: 'id', in: 'path', required: true }]);

    const ajv = new Ajv2020({ strict: false });
    const validate = ajv.compile(doc.paths['/api/v1/sources/{id}']!.put!.requestBody!.content['application/json'].schema);
    const bodies = [
      { name: 'News.Az', url: 'https://news.az/rss', interval: '5m' },
      { name: 'News.Az', url: 'https://news.az/rss', fullText: 'always', enabled: false },
      { name: 'News.Az', url: 'https://news.az/rss', colour: 'red' },
      { url: 'https://news.az/rss' },
      { name: 'News.Az', url: 'https://news.az/rss', fullText: 'sometimes' },
      { name: 'News.Az', url: 'https://news.az/rss', enabled: 'yes' },
    ];
    for (const [i, body] of bodies.entries()) {
      const byDocument = validate(body);
      const response = await app.inject({ method: 'PUT', url: `/api/v1/sources/doc-${i}`, headers: auth, payload: body });
      expect(response.statusCode < 400, `${JSON.stringify(body)}: document says ${byDocument}, server ${response.statusCode} ${response.body}`).toBe(byDocument);
    }
  });
});
