import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { ERROR_CATALOGUE, type ErrorCode } from '../core/errors.js';
import { EVENT_TYPES, isOperationalEvent } from '../core/item.js';
import { EVENT_CATALOG, eventJsonSchema } from '../deliver/event-catalog.js';

/** A route's request schemas as the route table holds them (see api/schemas.ts). */
export interface RouteSchemas {
  params?: z.ZodType;
  querystring?: z.ZodType;
  body?: z.ZodType;
  /** The body of the route's first success answer (JSON), when it is described. */
  response?: z.ZodType;
}

/** What the description adds to a route: a summary, its success answers, and the errors it can give besides the usual. */
export interface RouteDoc {
  summary: string;
  tag: string;
  /** Status → description of the success answers (JSON unless `content` says otherwise). */
  ok: Record<number, string>;
  /** Content type of the success body when not JSON (feeds, metrics, HTML). */
  content?: string;
  /** Error codes this route answers besides those every route of its kind can (bad request, token, Redis). */
  errors?: ErrorCode[];
  /** A consumer token scoped to the subscription in `{id}` may call it (besides the admin token). */
  scoped?: true;
}

/**
 * Every route's documentation, keyed like the route table (`METHOD path`). A route in the table without an entry here
 * (or the reverse) fails the OpenAPI test, so the two cannot drift apart either.
 */
export const ROUTE_DOCS: Record<string, RouteDoc> = {
  'GET /healthz': { summary: 'Liveness: the process is up', tag: 'health', ok: { 200: '`{"status":"ok"}`' } },
  'GET /readyz': {
    summary:
      'Readiness: Redis answers, every role of the process runs (503 while they start) and it is not draining; the answer counts the workers running in it',
    tag: 'health',
    ok: { 200: '`{"status":"ready","workers":n}`' },
    errors: ['SYN_ERR_NOT_READY', 'SYN_ERR_REDIS_UNAVAILABLE'],
  },
  'GET /metrics': {
    summary: 'Prometheus metrics of this process (per-stage counters, queue depths, redis_up)',
    tag: 'health',
    ok: { 200: 'Prometheus text format' },
    content: 'text/plain; version=0.0.4',
  },
  'GET /feeds/:file': {
    summary:
      'A channel as RSS 2.0, Atom 1.0 or JSON Feed 1.1 (`{channel}.rss|.atom|.json`); conditional GET. With `limit`, `filter`, `filterout` or `since`, a variant drawn from its newest 1,000 stories, with an ETag of its own (variants are cached per process, least recently used dropped first beyond `limits.feedVariants`); any other parameter is a 400',
    tag: 'feeds',
    ok: { 200: 'the feed document', 304: 'not modified' },
    content: 'application/atom+xml',
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /feeds/:channel/archive/:file': {
    summary: 'An RFC 5005 archive page of a channel (`{n}.rss|.atom|.json`, 1 is the oldest)',
    tag: 'feeds',
    ok: { 200: 'the archive page', 304: 'not modified' },
    content: 'application/atom+xml',
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /websub/:sourceId': {
    summary:
      "WebSub subscriber callback: a hub's intent verification or denial, taken only within 5 minutes of our own subscribe request (the lease kept at most at the one we asked for)",
    tag: 'websub',
    ok: { 200: 'the challenge echoed' },
    content: 'text/plain',
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'POST /websub/:sourceId': {
    summary:
      'WebSub subscriber callback: content pushed by a hub (signed X-Hub-Signature); a push to no subscription (410) or without a signature (202, dropped) is answered before its body is read',
    tag: 'websub',
    ok: { 202: 'accepted (content with a missing or wrong signature is dropped all the same)' },
    errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_WEBSUB_BAD_SIGNATURE'],
  },
  'POST /websub': {
    summary:
      'The WebSub hub: subscribe or unsubscribe to a channel (form-encoded hub.* fields); rate-limited per client address, subscriptions capped per topic and per callback host (config websub.hub)',
    tag: 'websub',
    ok: { 202: 'accepted; intent is verified asynchronously, through a queue with a concurrency cap' },
    errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_RATE_LIMITED', 'SYN_ERR_WEBSUB_LIMIT'],
  },
  'GET /api/v1/sources': { summary: 'Every source with its fetch status', tag: 'sources', ok: { 200: '`{"sources":[…]}`' } },
  'GET /api/v1/sources/:id': { summary: 'One source with its fetch status', tag: 'sources', ok: { 200: '`{"source":{…}}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'PUT /api/v1/sources/:id': {
    summary: 'Create or replace a source; its first fetch follows within seconds',
    tag: 'sources',
    ok: { 200: 'replaced', 201: 'created' },
    errors: ['SYN_ERR_FETCH_BLOCKED_ADDRESS'],
  },
  'DELETE /api/v1/sources/:id': { summary: 'Remove a source (polling stops)', tag: 'sources', ok: { 204: 'removed' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'POST /api/v1/sources/:id/fetch': {
    summary: 'Fetch a source now (its polling restarts from there)',
    tag: 'sources',
    ok: { 202: '`{"queued":"<job id>"}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /api/v1/channels': { summary: 'Every channel', tag: 'channels', ok: { 200: '`{"channels":[…]}`' } },
  'PUT /api/v1/channels/:id': {
    summary: 'Create or redefine a channel (stored stories are backfilled into it)',
    tag: 'channels',
    ok: { 200: 'redefined', 201: 'created' },
  },
  'DELETE /api/v1/channels/:id': { summary: 'Remove a channel', tag: 'channels', ok: { 204: 'removed' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'GET /api/v1/subscriptions': {
    summary: 'Every webhook subscription in its effective state (secrets never shown)',
    tag: 'subscriptions',
    ok: { 200: '`{"subscriptions":[…]}`' },
  },
  'GET /api/v1/subscriptions/:id': {
    summary: 'One webhook subscription',
    tag: 'subscriptions',
    ok: { 200: '`{"subscription":{…}}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'PUT /api/v1/subscriptions/:id': {
    summary: 'Create or replace a subscription (`enabled: true` lifts a disable)',
    tag: 'subscriptions',
    ok: { 200: 'replaced', 201: 'created' },
    errors: ['SYN_ERR_FETCH_BLOCKED_ADDRESS'],
  },
  'DELETE /api/v1/subscriptions/:id': { summary: 'Remove a subscription', tag: 'subscriptions', ok: { 204: 'removed' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'PUT /api/v1/subscriptions/:id/enable': {
    summary: 'Re-enable a subscription disabled by hand or by the deliver stage',
    tag: 'subscriptions',
    ok: { 200: '`{"subscription":{id,url,enabled}}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /api/v1/subscriptions/:id/deliveries': {
    summary: 'The delivery log of a subscription (newest first)',
    tag: 'deliveries',
    ok: { 200: '`{"deliveries":[…]}`' },
    scoped: true,
  },
  'GET /api/v1/subscriptions/:id/dead-letters': {
    summary: "The subscription's dead letters (deliveries that exhausted their retries), newest first",
    tag: 'self-service',
    ok: { 200: '`{"deliveries":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
    scoped: true,
  },
  'POST /api/v1/subscriptions/:id/dead-letters/replay': {
    summary: 'Replay one dead letter of the subscription (`jobId`), or all of them failed between `from` and `to` (oldest first; same webhook-id)',
    tag: 'self-service',
    ok: { 202: '`{"replayed":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_CONFLICT'],
    scoped: true,
  },
  'POST /api/v1/subscriptions/:id/test': {
    summary:
      "Sign and send the catalog's example of an event type (`type`, default item.published) to the subscription now (address guard, `limits.deliveryTimeout`); answers the endpoint's status, the time it took and the first 4 KB of its answer. Logged in the delivery log with `test: true`, never retried",
    tag: 'self-service',
    ok: { 200: 'how the endpoint answered' },
    errors: ['SYN_ERR_NOT_FOUND'],
    scoped: true,
  },
  'POST /api/v1/subscriptions/:id/secret/rotate': {
    summary:
      'Rotate the signing secret: a new random secret (answered this once) signs every event from now on; the previous one signs beside it (space-separated signatures) for `overlap` (default 24h), then stops',
    tag: 'self-service',
    ok: { 200: '`{"secret":"whsec_…","oldSecretUntil":"…"}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
    scoped: true,
  },
  'POST /api/v1/subscriptions/:id/tokens': {
    summary:
      "Issue a consumer token scoped to the subscription (answered this once, stored hashed; expires, 90d by default): it reaches only the subscription's delivery log, dead letters and their replay, test send and secret rotation",
    tag: 'self-service',
    ok: { 201: '`{"token":"syt_…","listing":{…}}`' },
    errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_CONFLICT'],
  },
  'GET /api/v1/subscriptions/:id/tokens': {
    summary: "The subscription's live consumer tokens (never the tokens themselves)",
    tag: 'self-service',
    ok: { 200: '`{"tokens":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'DELETE /api/v1/subscriptions/:id/tokens/:tokenId': {
    summary: 'Revoke a consumer token (effective at once)',
    tag: 'self-service',
    ok: { 204: 'revoked' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'DELETE /api/v1/items/:id': {
    summary:
      'Retract a story: it leaves every channel (an Atom `at:deleted-entry` tombstone takes its place for `events.tombstoneRetention`), and subscriptions get `item.deleted`',
    tag: 'items',
    ok: { 200: '`{"deleted":{id,url,title,deletedAt,channels}}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /api/v1/items': {
    summary:
      'Stored stories: newest first (`limit`, `offset`, optionally one `channel`), or, with `updatedSince`, `cursor`, `source` or `kind`, an incremental read: the stories stored or changed since a time or a cursor, oldest change first, `{"items":[…],"nextCursor":"…"|null,"resumeCursor":"…"|null}`. The cursor is opaque and stable: paging on while stories arrive neither skips nor repeats one (a story changed again shows again). A narrow filter reads at most 2,000 index entries per request and may answer a short page with a cursor',
    tag: 'items',
    ok: { 200: '`{"items":[…],"nextCursor":…}` or `{"items":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'POST /api/v1/rules/test': {
    summary:
      "Which of the newest stored stories a stored channel's filter and rules, a stored subscription's rules, or the rules (and filter) in the body would keep, and what drops each other one; changes nothing",
    tag: 'channels',
    ok: { 200: '`{"considered":n,"kept":n,"dropped":n,"stories":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /api/v1/items/:id': { summary: 'One stored story (the normalized item)', tag: 'items', ok: { 200: '`{"item":{…}}`' }, errors: ['SYN_ERR_NOT_FOUND'] },
  'GET /api/v1/deliveries/failed': {
    summary: 'Dead letters: deliveries that exhausted their retries (or hit 410 / a disabled subscription)',
    tag: 'deliveries',
    ok: { 200: '`{"deliveries":[…]}`' },
  },
  'GET /api/v1/deliveries/disabled': {
    summary: 'Subscriptions the deliver stage disabled, with when and why',
    tag: 'deliveries',
    ok: { 200: '`{"disabled":{…}}`' },
  },
  'POST /api/v1/deliveries/:jobId/replay': {
    summary: 'Replay one dead letter (same webhook-id)',
    tag: 'deliveries',
    ok: { 202: '`{"replayed":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_CONFLICT'],
  },
  'POST /api/v1/deliveries/replay': {
    summary: 'Replay every dead letter failed in a time range (oldest first)',
    tag: 'deliveries',
    ok: { 202: '`{"replayed":[…]}`' },
  },
  'GET /api/v1/jobs/:queue/failed': { summary: 'Failed jobs of the normalize, dedup or publish queue', tag: 'jobs', ok: { 200: '`{"jobs":[…]}`' } },
  'POST /api/v1/jobs/:queue/:jobId/replay': {
    summary: 'Replay one failed job',
    tag: 'jobs',
    ok: { 202: '`{"replayed":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND', 'SYN_ERR_CONFLICT'],
  },
  'POST /api/v1/jobs/:queue/replay': { summary: 'Replay every failed job of a queue in a time range', tag: 'jobs', ok: { 202: '`{"replayed":[…]}`' } },
  'GET /feeds/people/:file': {
    summary: 'The stories that name a person (`people/{person id}.rss|.atom|.json`), newest first; conditional GET',
    tag: 'feeds',
    ok: { 200: 'the feed document', 304: 'not modified' },
    content: 'application/atom+xml',
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /api/v1/people': {
    summary: 'People interviewed, one id per person across scripts and spellings, most recently seen first',
    tag: 'people',
    ok: { 200: '`{"items":[{id,names,roles,stories}]}`' },
  },
  'GET /api/v1/people/:id': {
    summary: 'One person with the stories that name them (a merged id answers the person it went into)',
    tag: 'people',
    ok: { 200: '`{"person":{id,names,roles,stories,storyIds}}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /api/v1/people/:id/items': {
    summary: 'The stored stories that name a person, newest first',
    tag: 'people',
    ok: { 200: '`{"items":[…]}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'POST /api/v1/people/:id/merge': {
    summary: "Merge people into this one (an operator's fix of a missed match): names, roles and stories move, old ids become aliases",
    tag: 'people',
    ok: { 200: '`{"person":{…}}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'POST /api/v1/people/:id/split': {
    summary: 'Split name forms off a person into a new one (a wrong merge), with the stories that gave those forms',
    tag: 'people',
    ok: { 200: '`{"person":{…},"newPerson":{…}}`' },
    errors: ['SYN_ERR_NOT_FOUND'],
  },
  'GET /api/v1/openapi.json': { summary: 'This description (OpenAPI 3.1)', tag: 'meta', ok: { 200: 'the OpenAPI document' } },
  'GET /admin': {
    summary: 'The status page: sources, recent stories with their outlets, subscriptions, queues (HTML)',
    tag: 'meta',
    ok: { 200: 'the page' },
    content: 'text/html',
  },
};

/**
 * JSON Schema (2020-12, what OpenAPI 3.1 uses) of a zod schema: its input side for what a client sends, its output
 * side for what the server answers.
 */
function jsonSchema(schema: z.ZodType, io: 'input' | 'output' = 'input'): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}

function parameters(schema: z.ZodType | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = jsonSchema(schema) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
    schema: property,
  }));
}

const errorRef = (codes: ErrorCode[]) => ({
  description: codes.map((code) => `\`${code}\`: ${ERROR_CATALOGUE[code].description}`).join('; '),
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/Error' },
      examples: Object.fromEntries(codes.map((code) => [code, { value: { error: { code, message: ERROR_CATALOGUE[code].description } } }])),
    },
  },
});

/**
 * The OpenAPI 3.1 document of the HTTP API, built from the very zod schemas that validate requests (`routes`), so
 * the description cannot drift from what the server accepts. Every route of the table and every error code of
 * the catalogue is described; error answers are grouped by HTTP status with the codes each can carry.
 */
export function buildOpenApiDocument(routes: Record<string, RouteSchemas>, info: { version: string; serverUrl?: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const [key, schemas] of Object.entries(routes)) {
    const [method = 'GET', path = '/'] = key.split(' ');
    const doc = ROUTE_DOCS[key];
    if (!doc) throw new Error(`route ${key} has no entry in ROUTE_DOCS`);
    const admin = path.startsWith('/api/') || path.startsWith('/admin');
    const codes = new Set<ErrorCode>(doc.errors ?? []);
    if (schemas.params || schemas.querystring || schemas.body || method !== 'GET') codes.add('SYN_ERR_BAD_REQUEST');
    if (admin) codes.add('SYN_ERR_UNAUTHORIZED');
    if (path.startsWith('/api/')) codes.add('SYN_ERR_FORBIDDEN');
    if (admin || path.startsWith('/feeds') || path.startsWith('/websub')) codes.add('SYN_ERR_REDIS_UNAVAILABLE');
    codes.add('SYN_ERR_INTERNAL');
    const byStatus = new Map<number, ErrorCode[]>();
    for (const code of codes) byStatus.set(ERROR_CATALOGUE[code].httpStatus, [...(byStatus.get(ERROR_CATALOGUE[code].httpStatus) ?? []), code]);
    const responses: Record<string, unknown> = {};
    for (const [status, description] of Object.entries(doc.ok)) {
      const empty = status === '204' || status === '304';
      const body = doc.content ? { type: 'string' } : schemas.response ? jsonSchema(schemas.response, 'output') : { type: 'object' };
      responses[status] = { description, ...(empty ? {} : { content: { [doc.content ?? 'application/json']: { schema: body } } }) };
    }
    for (const [status, list] of [...byStatus.entries()].sort(([a], [b]) => a - b)) responses[String(status)] = errorRef(list);
    const openApiPath = path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[openApiPath] ??= {};
    paths[openApiPath]![method.toLowerCase()] = {
      operationId: `${method.toLowerCase()}${openApiPath.replace(/[{}]/g, '').replace(/(^|[/._-])([a-z0-9])/gi, (_m, _s, c: string) => c.toUpperCase())}`,
      summary: doc.summary,
      tags: [doc.tag],
      ...(admin ? { security: doc.scoped ? [{ bearer: [] }, { basic: [] }, { subscriptionToken: [] }] : [{ bearer: [] }, { basic: [] }] } : {}),
      parameters: [...parameters(schemas.params, 'path'), ...parameters(schemas.querystring, 'query')],
      ...(schemas.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(schemas.body) } } } } : {}),
      responses,
    };
  }
  const allCodes = Object.keys(ERROR_CATALOGUE) as ErrorCode[];
  return {
    openapi: '3.1.0',
    info: {
      title: 'syndicate',
      version: info.version,
      description:
        'Feeds in; deduplicated stories out as RSS, Atom, JSON Feed and signed webhooks. The admin API (`/api/v1`) needs `Authorization: Bearer $ADMIN_TOKEN`. Errors are `{"error":{"code":"SYN_ERR_…","message":"…"}}`; the codes are listed under `components.schemas.ErrorCode`.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    paths,
    webhooks: webhooksSection(),
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'the admin token (ADMIN_TOKEN)' },
        basic: { type: 'http', scheme: 'basic', description: 'for browsers: any user name, the admin token as password' },
        subscriptionToken: {
          type: 'http',
          scheme: 'bearer',
          description:
            "a consumer token (`syt_…`) issued for one subscription (`POST /api/v1/subscriptions/{id}/tokens`): it reaches only that subscription's routes that list it; anything else answers 403 SYN_ERR_FORBIDDEN",
        },
      },
      schemas: {
        ErrorCode: {
          type: 'string',
          enum: allCodes,
          description: allCodes.map((code) => `- \`${code}\` (HTTP ${ERROR_CATALOGUE[code].httpStatus}): ${ERROR_CATALOGUE[code].description}`).join('\n'),
          'x-error-codes': Object.fromEntries(allCodes.map((code) => [code, ERROR_CATALOGUE[code]])),
        },
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: { code: { $ref: '#/components/schemas/ErrorCode' }, message: { type: 'string' }, details: {} },
            },
          },
        },
      },
    },
  };
}

/** The Standard Webhooks headers every delivery carries. */
const WEBHOOK_HEADERS = [
  { name: 'webhook-id', description: 'the event id: the same on every retry (drop repeats)' },
  { name: 'webhook-timestamp', description: 'seconds since the epoch when this attempt was signed' },
  {
    name: 'webhook-signature',
    description: '`v1,<base64 HMAC-SHA256 of "{id}.{timestamp}.{body}">`; during a secret rotation one per active secret, space-separated (any one verifies)',
  },
].map(({ name, description }) => ({ name, in: 'header', required: true, description, schema: { type: 'string' } }));

/**
 * The event catalog as OpenAPI 3.1 `webhooks`: per event type, the POST we send, its body's JSON Schema and an
 * example, the signature headers, and what the endpoint should answer.
 */
function webhooksSection(): Record<string, unknown> {
  return Object.fromEntries(
    EVENT_TYPES.map((type) => [
      type,
      {
        post: {
          operationId: `webhook${type.replace(/(^|[._])([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}`,
          summary: EVENT_CATALOG[type].summary,
          tags: [isOperationalEvent(type) ? 'operational events' : 'story events'],
          parameters: WEBHOOK_HEADERS,
          requestBody: {
            required: true,
            content: { 'application/json': { schema: eventJsonSchema(type), examples: { example: { value: EVENT_CATALOG[type].example } } } },
          },
          responses: {
            '2XX': { description: 'accepted' },
            '410': { description: 'gone: the subscription is disabled' },
            '429': { description: 'with Retry-After: every delivery to the endpoint waits (503 too)' },
            default: { description: 'failed: retried on the schedule' },
          },
        },
      },
    ]),
  );
}

/** The package version (package.json is two levels up from src/api, three from dist/src/api). */
export function packageVersion(): string {
  for (const up of ['../../package.json', '../../../package.json']) {
    try {
      const json = JSON.parse(readFileSync(new URL(up, import.meta.url), 'utf8')) as { name?: string; version?: string };
      if (json.name === 'syndicate' && json.version) return json.version;
    } catch {
      // not at this level
    }
  }
  return '0.0.0';
}
