import type { FastifyInstance } from 'fastify';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTE_DOCS } from '../../src/api/openapi.js';
import { ROUTE_SCHEMAS } from '../../src/api/schemas.js';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';
import type { AppContext } from '../../src/runtime/context.js';
import { openTestApp, testAuth as auth } from '../support/app.js';
type Operation = {
  operationId: string;
  summary: string;
  parameters: Array<{ name: string; in: string; required: boolean; schema: object }>;
  requestBody?: { content: { 'application/json': { schema: object } } };
  responses: Record<string, { description: string; content?: Record<string, { schema: Record<string, unknown> }> }>;
  security?: unknown[];
};
type Document = {
  openapi: string;
  info: { version: string };
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: { ErrorCode: { enum: string[]; description: string } } };
};

describe('/api/v1/openapi.json: OpenAPI 3.1 from the schemas that validate requests', () => {
  let app: FastifyInstance;
  let ctx: AppContext;
  let close: () => Promise<void>;
  let doc: Document;

  beforeAll(async () => {
    ({ app, ctx, close } = await openTestApp('openapi', {}));
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
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^{}]+)\}/g, ':$1')}`),
    );
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

  it('documents parameters and bodies that accept and refuse exactly what the server does', async () => {
    const items = doc.paths['/api/v1/items']!.get!;
    expect(items.parameters.map((p) => `${p.in}:${p.name}:${p.required}`).sort()).toEqual([
      'query:channel:false',
      'query:cursor:false',
      'query:kind:false',
      'query:limit:false',
      'query:offset:false',
      'query:source:false',
      'query:updatedSince:false',
    ]);
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
      expect(response.statusCode < 400, `${JSON.stringify(body)}: document says ${byDocument}, server ${response.statusCode} ${response.body}`).toBe(
        byDocument,
      );
    }
  });

  it('shows every per-source setting of issue 25 in the source body and answer, and the server takes a source using them all', async () => {
    type Props = Record<string, { description?: string; properties?: Record<string, { description?: string }> }>;
    const body = (doc.paths['/api/v1/sources/{id}']!.put!.requestBody!.content['application/json'].schema as { properties: Props }).properties;
    const answer = (
      doc.paths['/api/v1/sources/{id}']!.get!.responses['200']!.content!['application/json']!.schema as { properties: { source: { properties: Props } } }
    ).properties.source.properties;
    const nested: Record<string, string[]> = {
      cleanup: ['keepSelector', 'removeSelectors', 'removePatterns', 'articleUrl'],
      listing: ['item', 'title', 'link', 'date', 'summary'],
    };
    for (const setting of ['format', 'listing', 'cleanup', 'timezone', 'dayOrder', 'request']) {
      for (const [where, props] of [
        ['body', body],
        ['answer', answer],
      ] as const) {
        expect(props[setting]?.description, `${where}: ${setting}`).toBeTruthy();
        for (const field of nested[setting] ?? []) expect(props[setting]!.properties?.[field]?.description, `${where}: ${setting}.${field}`).toBeTruthy();
      }
    }
    const source = {
      name: 'Harbour Gazette',
      url: 'https://gazette.example/latest',
      format: 'html',
      listing: { item: 'li.teaser', title: 'h2', link: 'a', date: 'time', summary: '.dek' },
      cleanup: {
        keepSelector: '.story',
        removeSelectors: ['.promo'],
        removePatterns: ['Read more.*'],
        articleUrl: { pattern: '^(https://[^/]+)/', replacement: '$1/print/' },
      },
      timezone: 'Europe/Rome',
      dayOrder: 'dmy',
    };
    const put = await app.inject({ method: 'PUT', url: '/api/v1/sources/all-settings', headers: auth, payload: source });
    expect(put.statusCode, put.body).toBeLessThan(300);
    const { source: stored } = (await app.inject({ method: 'GET', url: '/api/v1/sources/all-settings', headers: auth })).json();
    expect(stored).toMatchObject(source);
    // What the document cannot say across fields, the server still checks: html needs listing; a pattern must run in linear time.
    const refused = [
      { ...source, listing: undefined },
      { ...source, cleanup: { removePatterns: ['(a+)+$'] } },
    ];
    for (const payload of refused) {
      const response = await app.inject({ method: 'PUT', url: '/api/v1/sources/all-settings', headers: auth, payload });
      expect(response.statusCode, JSON.stringify(payload)).toBe(400);
    }
  });

  it('documents the source status the API answers: numbers as numbers, ISO times, internals left out', async () => {
    await app.inject({ method: 'PUT', url: '/api/v1/sources/typed', headers: auth, payload: { name: 'Typed', url: 'https://example.com/rss' } });
    // A history as the fetch stage records it: a success with validators, then a failure.
    const store = ctx.sourceStatus;
    const { poll } = await store.load('typed');
    await store.recordSuccess(
      'typed',
      {
        at: '2026-11-30T10:00:00.000Z',
        httpStatus: 200,
        notModified: false,
        etag: '"v1"',
        lastModified: 'Mon, 30 Nov 2026 09:00:00 GMT',
        feed: { title: 'Typed', ttlMinutes: 30, updatePeriodMinutes: null, hubUrl: null, entries: 12, newEntries: 12, parseWarning: null },
        next: { at: Date.parse('2026-11-30T10:05:00Z'), intervalMs: 300_000 },
      },
      poll,
    );
    await store.rememberRedirect('typed', { target: 'https://example.com/new', seen: 1 });
    await store.recordError('typed', {
      at: '2026-11-30T10:05:00.000Z',
      httpStatus: 503,
      code: 'SYN_ERR_FETCH_HTTP_STATUS',
      message: 'answered 503',
      consecutiveErrors: 1,
      next: { at: Date.parse('2026-11-30T10:15:00Z'), intervalMs: 600_000 },
    });

    const response = await app.inject({ method: 'GET', url: '/api/v1/sources/typed', headers: auth });
    const { status } = response.json().source;
    expect(status).toMatchObject({
      lastFetchAt: '2026-11-30T10:05:00.000Z',
      lastSuccessAt: '2026-11-30T10:00:00.000Z',
      httpStatus: 503,
      notModified: false,
      entriesSeen: 0,
      newEntries: 0,
      errorCode: 'SYN_ERR_FETCH_HTTP_STATUS',
      consecutiveErrors: 1,
      gone: false,
      goneAt: null,
      nextFetchAt: '2026-11-30T10:15:00.000Z',
      intervalMs: 600_000,
      feedTitle: 'Typed',
      totals: { fetches: 2, notModified: 0, errors: 1, newEntries: 12 },
      redirect: null,
      websub: null,
      lastPush: null,
    });
    for (const internal of ['etag', 'lastModified', 'permanentRedirectTarget', 'permanentRedirectSeen', 'feedTtl', 'currentInterval', 'nextFetchAtIso'])
      expect(status).not.toHaveProperty(internal);
    expect(response.body).not.toContain('"v1"');

    // The description says exactly that: every field described, and both answers validate against it.
    const ajv = new Ajv2020({ strict: false });
    addFormats.default(ajv); // so date-time is checked: times are ISO 8601
    const one = doc.paths['/api/v1/sources/{id}']!.get!.responses['200']!.content!['application/json']!.schema;
    const statusSchema = (one.properties as Record<string, { properties: Record<string, unknown> }>).source!.properties.status as {
      properties: Record<string, { description?: string }>;
    };
    expect(Object.keys(statusSchema.properties).sort()).toEqual(Object.keys(status).sort());
    for (const [field, property] of Object.entries(statusSchema.properties)) expect(property.description, field).toBeTruthy();
    expect(ajv.validate(one, response.json()), JSON.stringify(ajv.errors)).toBe(true);
    const list = doc.paths['/api/v1/sources']!.get!.responses['200']!.content!['application/json']!.schema;
    expect(ajv.validate(list, (await app.inject({ method: 'GET', url: '/api/v1/sources', headers: auth })).json()), JSON.stringify(ajv.errors)).toBe(true);
    // A source never fetched: everything null or zero, still as documented.
    await app.inject({ method: 'PUT', url: '/api/v1/sources/fresh', headers: auth, payload: { name: 'Fresh', url: 'https://example.com/fresh' } });
    const fresh = (await app.inject({ method: 'GET', url: '/api/v1/sources/fresh', headers: auth })).json();
    expect(fresh.source.status).toMatchObject({ lastFetchAt: null, entriesSeen: null, consecutiveErrors: 0, gone: false, totals: { fetches: 0 } });
    expect(ajv.validate(one, fresh), JSON.stringify(ajv.errors)).toBe(true);
  });
});
