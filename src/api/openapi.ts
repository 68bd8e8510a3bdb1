/**
 * The API's description, OpenAPI 3.1, built from the objects that validate requests: the zod schemas of
 * `ROUTE_SCHEMAS` (exported as JSON Schema draft 2020-12, OpenAPI 3.1's dialect, with `io: 'input'` so it
 * describes what a client sends, before coercion and defaults) and the error catalogue. A route's parameters and
 * body therefore cannot drift from what it accepts; what schemas cannot say (a summary, the success statuses, the
 * errors a handler raises) is in {@link ROUTE_DOCS}, keyed by the same route keys, so a route added to the table
 * without its documentation does not compile.
 *
 * Not described: Bull Board's dashboard under `/admin/queues` (a third-party UI whose internal JSON API is not ours
 * to promise, behind the same token).
 */
import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../core/errors.js';
import { ROUTE_SCHEMAS, type RouteKey } from './schemas.js';

/** What the schemas of a route cannot say about it. */
export interface RouteDoc {
  summary: string;
  tag: 'health' | 'feeds' | 'websub' | 'sources' | 'channels' | 'subscriptions' | 'items' | 'deliveries' | 'jobs' | 'admin' | 'meta';
  /** Success statuses and what they mean. */
  ok: Record<number, string>;
  /** The media types of a success body (JSON unless said). */
  produces?: string[];
  /** Errors the handler itself raises (validation, token and Redis outage errors are added from the route's shape). */
  errors?: ErrorCode[];
  /** Whether the route reads Redis outside the token scope (so it may answer a 503 `SYN_ERR_REDIS_UNAVAILABLE`). */
  redis?: boolean;
  /** The media type of a request body the schemas do not describe (the raw body is the handler's). */
  rawBody?: string;
  /** The media type of the body the schema describes (JSON unless said). */
  bodyType?: string;
}

const JSON_TYPE = 'application/json';
/** A channel's feed and archive pages, by file extension. */
const FEED_TYPES = ['application/rss+xml', 'application/atom+xml', 'application/feed+json'];
/** A `PUT` that creates (201) or replaces (200) a catalogue entry, answering it as `{"<noun>": {…}}`. */
const putRoute = (tag: RouteDoc['tag'], noun: string, summary: string, errors?: ErrorCode[]): RouteDoc => ({
  tag,
  summary,
  ok: { 200: `replaced: \`{"${noun}":{…}}\``, 201: `created: \`{"${noun}":{…}}\`` },
  ...(errors ? { errors } : {}),
});
/** What a feed route answers besides errors. */
const feedRoute = (summary: string, ok: string): RouteDoc => ({
  tag: 'feeds',
  summary,
  ok: { 200: ok, 304: 'not modified since the conditional request' },
  produces: FEED_TYPES,
  errors: ['SYN_ERR_NOT_FOUND'],
  redis: true,
});

/** One entry per route of {@link ROUTE_SCHEMAS}. */
export const ROUTE_DOCS: Record<RouteKey, RouteDoc> = {
  'GET /healthz': { tag: 'health', summary: 'Liveness: the process answers', ok: { 200: '`{"status":"ok"}`' } },
  'GET /readyz': { tag: 'health', summary: 'Readiness: Redis answers and the process is not draining', ok: { 200: '`{"status":"ready","workers":…}`' }, errors: ['SYN_ERR_NOT_READY', 'SYN_ERR_REDIS_UNAVAILABLE'] },
  'GET /metrics': { tag: 'health', summary: 'Prometheus metrics: per-stage counters, histograms and queue depths', ok: { 200: 'Prometheus text exposition format' }, produces: ['text/plain'] },
  'GET /feeds/:file': feedRoute('A channel as RSS, Atom or JSON Feed (`{channel}.rss|.atom|.json`), with ETag and Last-Modified', 'the feed'),
  'GET /feeds/:channel/archive/:file': feedRoute('An RFC 5005 archive page of a channel (`{n}.rss|.atom|.json`, 1 is the oldest)', 'the archive page'),
  'GET /websub/:sourceId': {
    tag: 'websub',
    summary: "WebSub subscriber callback: a hub's verification of intent (`hub.mode`, `hub.topic`, `hub.challenge`)",
    ok: { 200: 'the challenge echoed (or an acknowledged denial)' },
    produces: ['text/plain'],
    errors: ['SYN_ERR_NOT_FOUND'],
    redis: true,
  },
  'POST /websub/:sourceId': {
    tag: 'websub',
    summary: 'WebSub subscriber callback: content pushed by a hub, checked against `X-Hub-Signature`',
    ok: { 202: 'accepted (content with a bad signature is dropped, and still answered 202 as WebSub requires)' },
    errors: ['SYN_ERR_NOT_FOUND'],
    rawBody: '*/*',
    redis: true,
  },
  'POST /websub': {
    tag: 'websub',
    summary: "WebSub hub: subscribe to or unsubscribe from a channel's feed (`hub.mode`, `hub.topic`, `hub.callback`)",
    ok: { 202: 'accepted; the callback is verified asynchronously' },
    bodyType: 'application/x-www-form-urlencoded',
    redis: true,
  },

  'GET /api/v1/openapi.json': { tag: 'meta', summary: 'This document (OpenAPI 3.1); served without the token', ok: { 200: 'the OpenAPI document' } },
  'GET /api/v1/sources': { tag: 'sources', summary: 'List sources with their fetch status', ok: { 200: '`{"sources":[…]}`' } },
  'GET /api/v1/sources/:id': { tag: 'sources', summary: 'One source with its fetch status', ok: { 200: '`{"source":{…}}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'PUT /api/v1/sources/:id': putRoute('sources', 'source', 'Create or replace a source (http(s) URLs only; its first fetch follows within seconds)', ['SYN_ERR_FETCH_BLOCKED_ADDRESS']),
  'DELETE /api/v1/sources/:id': { tag: 'sources', summary: 'Remove a source and its polling schedule', ok: { 204: 'removed' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'POST /api/v1/sources/:id/fetch': { tag: 'sources', summary: 'Fetch a source now, outside its schedule', ok: { 202: '`{"queued":…}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'GET /api/v1/channels': { tag: 'channels', summary: 'List channels', ok: { 200: '`{"channels":[…]}`' } },
  'PUT /api/v1/channels/:id': putRoute('channels', 'channel', 'Create or replace a channel (backfilled with the matching stored stories)'),
  'DELETE /api/v1/channels/:id': { tag: 'channels', summary: 'Remove a channel', ok: { 204: 'removed' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'GET /api/v1/subscriptions': { tag: 'subscriptions', summary: 'List webhook subscriptions (secrets are never shown)', ok: { 200: '`{"subscriptions":[…]}`' } },
  'GET /api/v1/subscriptions/:id': { tag: 'subscriptions', summary: 'One webhook subscription (secrets are never shown)', ok: { 200: '`{"subscription":{…}}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'PUT /api/v1/subscriptions/:id': putRoute('subscriptions', 'subscription', 'Create or replace a webhook subscription (`enabled: true` lifts a disable)', ['SYN_ERR_FETCH_BLOCKED_ADDRESS']),
  'DELETE /api/v1/subscriptions/:id': { tag: 'subscriptions', summary: 'Remove a webhook subscription', ok: { 204: 'removed' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'PUT /api/v1/subscriptions/:id/enable': { tag: 'subscriptions', summary: 'Re-enable a disabled subscription', ok: { 200: '`{"subscription":{"id","url","enabled"}}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'GET /api/v1/subscriptions/:id/deliveries': {
    tag: 'subscriptions',
    summary: 'The delivery log of a subscription: time, status, duration, first 4 KB of the response, error code',
    ok: { 200: '`{"deliveries":[…]}` (newest first)' },
  },
  'GET /api/v1/items': { tag: 'items', summary: 'Stored stories, newest first (of one channel with `channel`)', ok: { 200: '`{"items":[…]}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'GET /api/v1/items/:id': { tag: 'items', summary: 'One stored story', ok: { 200: '`{"item":{…}}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'GET /api/v1/deliveries/failed': { tag: 'deliveries', summary: 'Dead letters: deliveries that exhausted their attempts', ok: { 200: '`{"deliveries":[…]}`' } },
  'GET /api/v1/deliveries/disabled': { tag: 'deliveries', summary: 'Subscriptions disabled by their endpoint (410 Gone, or too many failures)', ok: { 200: '`{"disabled":[…]}`' } },
  'POST /api/v1/deliveries/:jobId/replay': {
    tag: 'deliveries',
    summary: 'Replay one dead letter',
    ok: { 202: '`{"replayed":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_CONFLICT'],
  },
  'POST /api/v1/deliveries/replay': { tag: 'deliveries', summary: 'Replay every dead letter in a time range (oldest first)', ok: { 202: '`{"replayed":[…]}`' } },
  'GET /api/v1/jobs/:queue/failed': { tag: 'jobs', summary: "A stage's failed jobs (normalize, dedup or publish)", ok: { 200: '`{"jobs":[…]}`' } },
  'POST /api/v1/jobs/:queue/:jobId/replay': { tag: 'jobs', summary: 'Replay one failed job', ok: { 202: '`{"replayed":[…]}`' }, errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_CONFLICT'] },
  'POST /api/v1/jobs/:queue/replay': { tag: 'jobs', summary: "Replay a stage's failed jobs in a time range", ok: { 202: '`{"replayed":[…]}`' } },
  'GET /admin': {
    tag: 'admin',
    summary: 'The status page (server-rendered HTML): sources, recent stories with their outlets, subscriptions, queues',
    ok: { 200: 'the page' },
    produces: ['text/html'],
  },
};

type JsonSchema = Record<string, unknown>;

/** A zod schema as JSON Schema 2020-12, as a client writes it (before coercion, defaults and transforms). */
function toJsonSchema(schema: z.ZodType): JsonSchema {
  // Refinements (e.g. "is a time") cannot be said in JSON Schema: the request is still checked by them.
  const { $schema: _dialect, ...json } = z.toJSONSchema(schema, { io: 'input', target: 'draft-2020-12', unrepresentable: 'any' }) as JsonSchema;
  return json;
}

/** `/api/v1/sources/:id` → `/api/v1/sources/{id}`. */
export function openApiPath(fastifyPath: string): string {
  return fastifyPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

/** Routes that the admin token guards (the OpenAPI document itself is public: it holds no data). */
export function requiresToken(path: string): boolean {
  return (path.startsWith('/api/') || path === '/admin' || path.startsWith('/admin/')) && path !== '/api/v1/openapi.json';
}

/** One OpenAPI parameter per property of an object schema (a free-form one becomes a single exploded object). */
function parametersOf(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toJsonSchema(schema);
  const properties = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  if (!json.properties && location === 'query') {
    return [{ name: 'query', in: 'query', required: false, style: 'form', explode: true, schema: json, description: 'any query parameters (free-form)' }];
  }
  return Object.entries(properties).map(([name, propertySchema]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: propertySchema,
    ...(typeof propertySchema.description === 'string' ? { description: propertySchema.description } : {}),
  }));
}

const errorRef = { $ref: '#/components/schemas/Error' };

/** The error response of one status, naming the codes a route answers with it. */
function errorResponse(status: number, codes: ErrorCode[]): JsonSchema {
  const description = codes.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].description}`).join('; ');
  return {
    description,
    content: {
      [JSON_TYPE]: {
        schema: { allOf: [errorRef, { type: 'object', properties: { error: { type: 'object', properties: { code: { enum: codes } } } } }] },
      },
    },
  };
}

/** The operation of one route. */
function operationOf(key: RouteKey, path: string, schemas: { params?: z.ZodType; querystring?: z.ZodType; body?: z.ZodType }, doc: RouteDoc): JsonSchema {
  const guarded = requiresToken(path);
  const codes = new Set<ErrorCode>();
  if (schemas.params || schemas.querystring || schemas.body) codes.add('SYN_ERR_BAD_REQUEST');
  if (guarded) codes.add('SYN_ERR_UNAUTHORIZED');
  for (const code of doc.errors ?? []) codes.add(code);
  if (guarded || doc.redis) codes.add('SYN_ERR_REDIS_UNAVAILABLE');
  codes.add('SYN_ERR_INTERNAL');

  const responses: Record<string, JsonSchema> = {};
  for (const [status, description] of Object.entries(doc.ok)) {
    const empty = status === '204' || status === '304' || (status === '202' && !description.includes('`'));
    const content = Object.fromEntries((doc.produces ?? [JSON_TYPE]).map((type) => [type, { schema: type.endsWith('json') ? { type: 'object' } : { type: 'string' } }]));
    responses[status] = empty ? { description } : { description, content };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes) {
    const status = ERROR_CATALOGUE[code].httpStatus;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, list] of [...byStatus].sort(([a], [b]) => a - b)) responses[String(status)] = errorResponse(status, list);

  const operation: JsonSchema = {
    operationId: key.replace(/[^A-Za-z0-9]+/g, '_').replace(/_+$/, ''),
    summary: doc.summary,
    tags: [doc.tag],
    parameters: [...parametersOf(schemas.params, 'path'), ...parametersOf(schemas.querystring, 'query')],
    responses,
  };
  if (schemas.body) {
    operation.requestBody = { required: !schemas.body.safeParse(undefined).success, content: { [doc.bodyType ?? JSON_TYPE]: { schema: toJsonSchema(schemas.body) } } };
  } else if (doc.rawBody) {
    operation.requestBody = { required: true, content: { [doc.rawBody]: { schema: {} } } };
  }
  operation.security = guarded ? [{ bearerAuth: [] }, { basicAuth: [] }] : [];
  return operation;
}

/**
 * The OpenAPI 3.1 document of the HTTP API: every route of `routes` with its parameters, body, success and error
 * responses, the bearer token on `/api/v1` and `/admin`, and the error shape whose `code` lists the catalogue.
 * Pure: the same tables give the same document.
 */
export function buildOpenApiDocument(
  routes: Record<string, { params?: z.ZodType; querystring?: z.ZodType; body?: z.ZodType }> = ROUTE_SCHEMAS,
  docs: Record<string, RouteDoc> = ROUTE_DOCS,
  catalogue: Record<string, { httpStatus: number; description: string }> = ERROR_CATALOGUE,
  version = '0.1.0',
): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const [key, schemas] of Object.entries(routes)) {
    const [method, fastifyPath] = key.split(' ') as [string, string];
    const doc = docs[key];
    if (!doc) throw new Error(`route ${key} has no documentation in ROUTE_DOCS`);
    const path = openApiPath(fastifyPath);
    (paths[path] ??= {})[method.toLowerCase()] = operationOf(key as RouteKey, fastifyPath, schemas, doc);
  }
  const codes = Object.keys(catalogue);
  const codeTable = Object.entries(catalogue)
    .map(([code, { httpStatus, description }]) => `| \`${code}\` | ${httpStatus} | ${description} |`)
    .join('\n');
  return {
    openapi: '3.1.0',
    info: {
      title: 'syndicate',
      version,
      description:
        'Feeds, WebSub, health and the admin API of syndicate. `/api/v1` and `/admin` need the admin token ' +
        '(`Authorization: Bearer $ADMIN_TOKEN`, or Basic auth with the token as password); this document does not. ' +
        'Every error answers `{"error":{"code","message"}}` with a stable `SYN_ERR_*` code. Not described here: the ' +
        "queue dashboard under `/admin/queues` (Bull Board's own UI and API).",
    },
    tags: [...new Set(Object.values(docs).map((doc) => doc.tag))].map((name) => ({ name })),
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'the admin token (`ADMIN_TOKEN`)' },
        basicAuth: { type: 'http', scheme: 'basic', description: 'any user name, the admin token as password (for browsers)' },
      },
      schemas: {
        ErrorCode: { type: 'string', enum: codes, description: `The error catalogue (code, HTTP status, meaning):\n\n| code | status | meaning |\n|---|---|---|\n${codeTable}` },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { $ref: '#/components/schemas/ErrorCode' },
                message: { type: 'string' },
                details: { description: 'structured context, e.g. every validation problem as `part.field: problem`' },
              },
            },
          },
        },
      },
    },
  };
}
