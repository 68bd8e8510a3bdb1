/**
 * The request schemas of every HTTP route, in one place: params, query and body, as zod schemas. Fastify
 * validates each request with them before its handler runs (see `zodValidatorCompiler`), so a bad request is a 400
 * `SYN_ERR_BAD_REQUEST` in the documented error shape; the same objects can be exported as JSON Schema
 * (`z.toJSONSchema`) to describe the API (OpenAPI). Routes refer to their entry by its `METHOD path` key.
 */
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { z } from 'zod';
import { parseDuration } from '../config/duration.js';
import { channelSchema, idSchema, requestProfileSchema, rulesTestSchema, sourceObjectSchema, subscriptionSchema } from '../config/schema.js';
import { EVENT_TYPES } from '../core/item.js';
import { itemSchema } from '../deliver/event-catalog.js';
import { SyndicateError } from '../core/errors.js';
import type { SourceStatus } from '../fetch/source-status.js';
import { feedFilterProblem } from '../core/story-rules.js';
import { sinceCutoff } from '../publish/feed-variant.js';
import { parseTime } from '../queues/failed-jobs.js';

/** A path segment naming an item or a job: any printable text of sane length. */
const opaqueId = z.string().min(1).max(256);

/** A bounded count in a query string: digits only (`limit=-1` and `limit=abc` are refused, not ignored). */
const count = (max: number) => z.coerce.number().int().min(1).max(max);

/** A time in a query or body: ISO 8601 or epoch ms. */
const time = z.union([z.string(), z.number()]).refine((value) => {
  try {
    return parseTime(value, 'time') !== undefined;
  } catch {
    return false;
  }
}, 'not a time (ISO 8601, e.g. 2025-06-10T09:00:00Z, or epoch ms)');

const byId = z.object({ id: idSchema.max(128) }).strict();

/** A feed URL's `filter`/`filterout`: words or phrases separated by `|`, or a pattern (`/oil|gas/i`) proven linear. */
const feedFilter = z
  .string()
  .max(500)
  .superRefine((filter, ctx) => {
    const problem = feedFilterProblem(filter);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** The query of an API route that takes none: anything given is a mistake worth a 400, not silence. */
const noQuery = z.object({}).strict();

/** The body of a route that takes none: nothing, or an empty object. */
const noBody = z.object({}).strict().nullish();

/** Queues whose failed jobs the API lists and replays (deliver has its own: `/api/v1/deliveries`). */
export const REPLAYABLE_QUEUES = ['normalize', 'dedup', 'publish'] as const;
const byQueue = z.object({ queue: z.enum(REPLAYABLE_QUEUES) }).strict();

/** A body's `id`, when given, must be the path's (checked by the handler); the path supplies it otherwise. */
const optionalId = { id: idSchema.optional() };

/** A time in an answer: ISO 8601 (UTC), null for what has not happened yet. */
const when = (description: string) => z.iso.datetime().nullable().describe(description);
const tally = (description: string) => z.number().int().min(0).describe(description);

/** A duration in a body: `90s`, `5m`, `24h`, `30d`, or milliseconds. */
const durationText = z.union([z.string(), z.number()]).refine((value) => parseDuration(value) !== null, 'not a duration (e.g. 90s, 5m, 24h, 30d)');

/** A consumer token as listed (never the token itself). */
const scopedTokenSchema = z.object({
  id: z.string(),
  subscriptionId: z.string(),
  label: z.string().nullable(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
});

/**
 * A source's fetch status as the API answers it (fetch/source-status.ts `SourceStatus`, which the compiler keeps
 * this in step with): numbers as numbers, times as ISO 8601, the poller's internals (validators, the redirect it
 * is confirming, the feed's own floors) left out.
 */
export const sourceStatusSchema = z
  .object({
    lastFetchAt: when('when the last fetch started'),
    lastSuccessAt: when('when the last successful fetch (200 or 304) started'),
    httpStatus: z.number().int().nullable().describe("HTTP status of the last fetch's answer; null when it got none (timeout, refused address…)"),
    notModified: z.boolean().describe('the last fetch was answered 304 Not Modified'),
    entriesSeen: z.number().int().min(0).nullable().describe('entries the last fetch read (0 for a 304 or a failure); null before the first fetch'),
    newEntries: tally('entries of the last fetch that were new or changed'),
    errorCode: z.string().nullable().describe("`SYN_ERR_*` code of the last fetch's failure; null when it succeeded"),
    errorMessage: z.string().nullable().describe('what went wrong in the last fetch; null when it succeeded'),
    consecutiveErrors: tally('failed fetches in a row; 0 after a success'),
    gone: z.boolean().describe('the source answered 410 Gone: polling stopped until the source is put again'),
    goneAt: when('when it answered 410 Gone'),
    nextFetchAt: when('when the next poll is due; null when none is planned (disabled, gone, not yet scheduled)'),
    intervalMs: z.number().int().nullable().describe('the polling interval now in use (adapted from the configured one), in milliseconds'),
    feedTitle: z.string().nullable().describe("the feed's title as last read"),
    hubUrl: z.string().nullable().describe('the WebSub hub the feed names, if any'),
    parseWarning: z.string().nullable().describe('what was wrong with an ill-formed feed read leniently; null once it is well-formed'),
    totals: z
      .object({
        fetches: tally('fetches'),
        notModified: tally('fetches answered 304'),
        errors: tally('failed fetches'),
        newEntries: tally('new or changed entries, polled and pushed'),
      })
      .describe('running totals since the first fetch'),
    fullText: z
      .object({
        fetched: tally('article pages read to complete summary-only entries'),
        errors: tally('article pages that could not be used'),
        lastError: z
          .object({ code: z.string(), message: z.string(), at: when('when'), url: z.string().nullable() })
          .nullable()
          .describe('the last article page that failed'),
      })
      .describe('article pages read for entries that carry only a summary'),
    normalize: z
      .object({
        errors: tally('entries the normalize stage gave up (sandbox deadline, memory or depth)'),
        lastError: z
          .object({ code: z.string(), message: z.string(), at: when('when'), guid: z.string().nullable() })
          .nullable()
          .describe('the last entry given up'),
      })
      .describe('entries of this source the normalize stage gave up'),
    redirect: z
      .object({ from: z.string(), to: z.string(), at: when('when') })
      .nullable()
      .describe("the last permanent redirect that moved the source's stored URL"),
    websub: z
      .object({
        hub: z.string().nullable(),
        state: z.string().nullable().describe('pending, active, denied or failed'),
        leaseUntil: when('when the lease the hub granted ends'),
        error: z.string().nullable().describe('the last problem (a refused request, a denial, a badly signed push)'),
      })
      .nullable()
      .describe("our WebSub subscription at the feed's hub, when the feed names one"),
    lastPush: z
      .object({ at: z.iso.datetime(), newEntries: tally('new or changed entries it carried') })
      .nullable()
      .describe('the last content a hub pushed'),
    dayOrder: z
      .enum(['dmy', 'mdy'])
      .nullable()
      .describe('how the source writes numeric dates such as 03/04/2026 (day or month first), as its own dates showed; null until one told'),
    discovery: z
      .object({
        page: z.string().describe('the home page the source pointed at'),
        feed: z.string().describe("the feed chosen (the first RSS, Atom or JSON Feed in document order), now the source's url"),
        candidates: z
          .array(z.object({ url: z.string(), type: z.enum(['rss', 'atom', 'json', 'unknown']), title: z.string().nullable() }))
          .describe('every feed the page named, in document order (or the usual path that answered)'),
        at: z.iso.datetime(),
      })
      .nullable()
      .describe("the source's URL answered with an HTML page: the feed discovered there"),
  })
  .describe('the fetch status of a source');

/** Both ways equal: the schema names every field of `SourceStatus` and no other (a compile error otherwise). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const _statusSchemaMatchesStore: Same<z.output<typeof sourceStatusSchema>, SourceStatus> = true;

/** A source as the API answers it: its definition (interval in milliseconds) and, when asked for, its status. */
const sourceAnswer = sourceObjectSchema.extend({ interval: z.number().int().describe('base polling interval, in milliseconds') });
const sourceWithStatusAnswer = sourceAnswer.extend({ status: sourceStatusSchema });

/** A person's id, as `/api/v1/people` lists it. */
const personId = z.string().regex(/^p-[A-Za-z0-9_-]{1,40}$/, 'not a person id (p-…)');
const byPerson = z.object({ id: personId }).strict();

/** A person as `/api/v1/people` lists them. */
const personSchema = z
  .object({
    id: z.string().describe('stable across scripts and spellings of the name; a merged id keeps answering the person it went into'),
    names: z.array(z.string()).describe('every form of the name seen, most recent first'),
    roles: z.array(z.string()).describe('every role seen with the name, most recent first'),
    stories: z.number().int().min(0).describe('stored stories that name them'),
  })
  .describe('a person interviewed');
const personRecordSchema = personSchema.extend({ storyIds: z.array(z.string()).describe('the stories that name them, newest first') });

/** Every route's request schemas, by `METHOD path` (fastify's path syntax), and the answer of some (`response`, documentation only). */
export const ROUTE_SCHEMAS = {
  'GET /healthz': {},
  'GET /readyz': {},
  'GET /metrics': {},
  'GET /feeds/:file': {
    params: z.object({ file: z.string().min(1).max(200) }).strict(),
    querystring: z
      .object({
        limit: count(1000).optional().describe("at most this many stories (default: the channel's page size), from its newest 1,000"),
        filter: feedFilter
          .optional()
          .describe(
            'keep only stories with one of these words or phrases (`|` between them; whole words, any case; a trailing `*` matches a word start), or matching a pattern `/…/flags` proven to run in linear time, in title, summary, author, categories or interviewee',
          ),
        filterout: feedFilter.optional().describe('drop stories with one of these words or phrases (same syntax and fields as `filter`)'),
        since: z
          .string()
          .max(64)
          .refine((value) => sinceCutoff(value, Date.now()) !== null, 'not a time (ISO 8601, e.g. 2025-06-10T09:00:00Z) or a duration (e.g. 24h, 90m, 7d)')
          .optional()
          .describe('only stories published at or after this time: ISO 8601, or a duration back from now (`24h`, `90m`, `7d`)'),
      })
      .strict(),
  },
  'GET /feeds/:channel/archive/:file': {
    params: z.object({ channel: z.string().min(1).max(200), file: z.string().min(1).max(200) }).strict(),
    querystring: noQuery,
  },
  'GET /websub/:sourceId': { params: z.object({ sourceId: idSchema.max(128) }).strict(), querystring: z.record(z.string(), z.string().max(4096)) },
  'POST /websub/:sourceId': { params: z.object({ sourceId: idSchema.max(128) }).strict() },
  'POST /websub': { body: z.record(z.string(), z.string().max(4096)) },

  'GET /api/v1/openapi.json': { querystring: noQuery },
  'GET /admin': { querystring: noQuery },
  'GET /api/v1/sources': { querystring: noQuery, response: z.object({ sources: z.array(sourceWithStatusAnswer) }) },
  'GET /api/v1/sources/:id': { params: byId, querystring: noQuery, response: z.object({ source: sourceWithStatusAnswer }) },
  'PUT /api/v1/sources/:id': {
    params: byId,
    // `request` left out keeps the stored profile, `null` removes it, and a `[REDACTED]` value keeps that secret.
    body: sourceObjectSchema.extend({
      ...optionalId,
      request: requestProfileSchema
        .nullable()
        .optional()
        .describe('request profile; left out keeps the stored one, null removes it, a [REDACTED] value keeps that secret'),
    }),
    querystring: noQuery,
    response: z.object({ source: sourceAnswer }),
  },
  'DELETE /api/v1/sources/:id': { params: byId, querystring: noQuery },
  'POST /api/v1/sources/:id/fetch': { params: byId, body: noBody, querystring: noQuery },
  'GET /api/v1/channels': { querystring: noQuery },
  'PUT /api/v1/channels/:id': { params: byId, body: channelSchema.extend(optionalId), querystring: noQuery },
  'DELETE /api/v1/channels/:id': { params: byId, querystring: noQuery },
  'GET /api/v1/subscriptions': { querystring: noQuery },
  'GET /api/v1/subscriptions/:id': { params: byId, querystring: noQuery },
  // `enabled` without its default: the handler must tell an explicit `true` (which lifts a disable) from none.
  'PUT /api/v1/subscriptions/:id': { params: byId, body: subscriptionSchema.extend({ ...optionalId, enabled: z.boolean().optional() }), querystring: noQuery },
  'DELETE /api/v1/subscriptions/:id': { params: byId, querystring: noQuery },
  'PUT /api/v1/subscriptions/:id/enable': { params: byId, body: noBody, querystring: noQuery },
  'GET /api/v1/subscriptions/:id/deliveries': { params: byId, querystring: z.object({ limit: count(1000).optional() }).strict() },
  'GET /api/v1/subscriptions/:id/dead-letters': {
    params: byId,
    querystring: z.object({ from: time.optional(), to: time.optional(), limit: count(1000).optional() }).strict(),
  },
  'POST /api/v1/subscriptions/:id/dead-letters/replay': {
    params: byId,
    body: z
      .object({ jobId: opaqueId.optional().describe('one dead letter of this subscription'), from: time.optional(), to: time.optional() })
      .strict()
      .refine((body) => (body.jobId !== undefined) !== (body.from !== undefined && body.to !== undefined), 'give either jobId, or both from and to'),
    querystring: noQuery,
  },
  'POST /api/v1/subscriptions/:id/test': {
    params: byId,
    body: z
      .object({ type: z.enum(EVENT_TYPES).optional().describe('the event type whose catalog example is sent (default item.published)') })
      .strict()
      .nullish(),
    querystring: noQuery,
    response: z.object({
      eventId: z.string().describe('the webhook-id of the test event'),
      type: z.enum(EVENT_TYPES),
      ok: z.boolean().describe('the endpoint answered 2xx'),
      status: z.number().int().nullable().describe("the endpoint's HTTP status; null when it gave none (timeout, refused address, connection error)"),
      durationMs: z.number().int().min(0),
      response: z.string().describe("the first 4 KB of the endpoint's answer"),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  },
  'POST /api/v1/subscriptions/:id/secret/rotate': {
    params: byId,
    body: z
      .object({ overlap: durationText.optional().describe('how long the old secret keeps signing beside the new one (default 24h; 0 ends it at once)') })
      .strict()
      .nullish(),
    querystring: noQuery,
    response: z.object({
      secret: z.string().describe('the new secret (shown this once)'),
      oldSecretUntil: z.iso.datetime().describe('when the previous secret stops signing'),
    }),
  },
  'POST /api/v1/subscriptions/:id/tokens': {
    params: byId,
    body: z
      .object({
        label: z.string().min(1).max(100).optional().describe('who the token is for'),
        expiresIn: durationText.optional().describe('lifetime (default 90d, at most 366d)'),
      })
      .strict()
      .nullish(),
    querystring: noQuery,
    response: z.object({ token: z.string().describe('the token (shown this once; stored hashed)'), listing: scopedTokenSchema }),
  },
  'GET /api/v1/subscriptions/:id/tokens': { params: byId, querystring: noQuery, response: z.object({ tokens: z.array(scopedTokenSchema) }) },
  'DELETE /api/v1/subscriptions/:id/tokens/:tokenId': {
    params: byId.extend({ tokenId: z.string().regex(/^[0-9a-f]{12}$/, 'a token id (12 hex digits)') }).strict(),
    querystring: noQuery,
  },
  'DELETE /api/v1/items/:id': {
    params: z.object({ id: opaqueId }).strict(),
    querystring: noQuery,
    response: z.object({
      deleted: z.object({ id: z.string(), url: z.string(), title: z.string(), deletedAt: z.iso.datetime(), channels: z.array(z.string()) }),
    }),
  },
  'GET /api/v1/items': {
    querystring: z
      .object({
        limit: count(500).optional().describe('stories per page (default 50)'),
        offset: z.coerce
          .number()
          .int()
          .min(0)
          .max(1_000_000)
          .optional()
          .describe('newest-first listing only: stories to skip (not with updatedSince, cursor, source or kind)'),
        channel: idSchema.max(128).optional().describe('only the stories filed in this channel'),
        updatedSince: time
          .optional()
          .describe('incremental read: stories stored or changed here at or after this time (ISO 8601 or epoch ms), oldest change first'),
        cursor: z.string().min(1).max(200).optional().describe('incremental read: the `nextCursor` (or `resumeCursor`) of an earlier answer'),
        source: idSchema.max(128).optional().describe('incremental read: only the stories this outlet carried'),
        kind: z.enum(['interview', 'article']).optional().describe('incremental read: only interviews or only articles'),
      })
      .strict(),
    response: z.union([
      z
        .object({
          items: z.array(itemSchema).describe('the normalized items, oldest change first'),
          nextCursor: z.string().nullable().describe('pass it back as `cursor` for the next page; null when this page reached the newest change'),
          resumeCursor: z
            .string()
            .nullable()
            .describe('where this page ended (also when nextCursor is null): passed back later as `cursor`, it gives what changed since'),
        })
        .describe('an incremental read (updatedSince, cursor, source or kind given)'),
      z
        .object({
          items: z.array(itemSchema).describe('the normalized items, newest first'),
          total: z.number().int().optional().describe('stories in the channel (with `channel`)'),
        })
        .describe('the newest-first listing (limit, offset, channel)'),
    ]),
  },
  'POST /api/v1/rules/test': {
    body: rulesTestSchema,
    querystring: noQuery,
    response: z.object({
      considered: z.number().int().describe('stored stories tried, newest first'),
      kept: z.number().int(),
      dropped: z.number().int(),
      stories: z.array(
        z.object({
          id: z.string(),
          title: z.string(),
          publishedAt: z.string(),
          kept: z.boolean(),
          because: z
            .string()
            .optional()
            .describe('what drops it: `the channel filter`, `include[n] did not match`, `no include rule matched`, `exclude[n] matched`'),
        }),
      ),
    }),
  },
  'GET /api/v1/items/:id': { params: z.object({ id: opaqueId }).strict(), querystring: noQuery, response: z.object({ item: itemSchema }) },
  'GET /feeds/people/:file': { params: z.object({ file: z.string().min(1).max(200) }).strict() },
  'GET /api/v1/people': {
    querystring: z.object({ limit: count(500).optional(), offset: z.coerce.number().int().min(0).max(1_000_000).optional() }).strict(),
    response: z.object({ items: z.array(personSchema) }),
  },
  'GET /api/v1/people/:id': { params: byPerson, querystring: noQuery, response: z.object({ person: personRecordSchema }) },
  'GET /api/v1/people/:id/items': {
    params: byPerson,
    querystring: z.object({ limit: count(500).optional() }).strict(),
    response: z.object({ items: z.array(itemSchema).describe('the stories that name the person, newest first') }),
  },
  'POST /api/v1/people/:id/merge': {
    params: byPerson,
    body: z.object({ from: z.array(personId).min(1).max(100).describe('the people to merge into this one') }).strict(),
    querystring: noQuery,
    response: z.object({ person: personRecordSchema }),
  },
  'POST /api/v1/people/:id/split': {
    params: byPerson,
    body: z.object({ names: z.array(z.string().min(1).max(300)).min(1).max(100).describe('the name forms that are someone else') }).strict(),
    querystring: noQuery,
    response: z.object({ person: personRecordSchema, newPerson: personRecordSchema }),
  },
  'GET /api/v1/deliveries/failed': {
    querystring: z.object({ subscription: idSchema.max(128).optional(), from: time.optional(), to: time.optional(), limit: count(1000).optional() }).strict(),
  },
  'GET /api/v1/deliveries/disabled': { querystring: noQuery },
  'POST /api/v1/deliveries/:jobId/replay': { params: z.object({ jobId: opaqueId }).strict(), body: noBody, querystring: noQuery },
  'POST /api/v1/deliveries/replay': { body: z.object({ subscription: idSchema.max(128).optional(), from: time, to: time }).strict(), querystring: noQuery },
  'GET /api/v1/jobs/:queue/failed': {
    params: byQueue,
    querystring: z.object({ from: time.optional(), to: time.optional(), limit: count(1000).optional() }).strict(),
  },
  'POST /api/v1/jobs/:queue/:jobId/replay': { params: byQueue.extend({ jobId: opaqueId }).strict(), body: noBody, querystring: noQuery },
  'POST /api/v1/jobs/:queue/replay': { params: byQueue, body: z.object({ from: time, to: time }).strict(), querystring: noQuery },
} satisfies Record<string, { params?: z.ZodType; querystring?: z.ZodType; body?: z.ZodType; response?: z.ZodType }>;

export type RouteKey = keyof typeof ROUTE_SCHEMAS;

/**
 * The fastify `schema` option of a route: its request schemas, compiled by {@link zodValidatorCompiler}. The
 * `response` schema stays out (it documents the answer in the OpenAPI description; fastify would try to compile it
 * as a serializer).
 */
export function schemaOf(route: RouteKey): FastifySchema {
  const { response: _documented, ...request } = ROUTE_SCHEMAS[route] as { response?: z.ZodType };
  return request as FastifySchema;
}

/** What a route's handler receives once its request validated. */
export type RouteRequest<K extends RouteKey> = {
  Params: (typeof ROUTE_SCHEMAS)[K] extends { params: z.ZodType } ? z.output<(typeof ROUTE_SCHEMAS)[K]['params']> : unknown;
  Querystring: (typeof ROUTE_SCHEMAS)[K] extends { querystring: z.ZodType } ? z.output<(typeof ROUTE_SCHEMAS)[K]['querystring']> : unknown;
  Body: (typeof ROUTE_SCHEMAS)[K] extends { body: z.ZodType } ? z.output<(typeof ROUTE_SCHEMAS)[K]['body']> : unknown;
};

/**
 * Fastify's validator for zod schemas: the parsed (coerced, defaulted) value replaces the raw one, and every
 * problem is reported at once in a `SYN_ERR_BAD_REQUEST` naming where it is (`query.limit: …`). Messages never
 * repeat the value given, so a secret sent in the wrong field is not echoed.
 */
export const zodValidatorCompiler: FastifySchemaCompiler<z.ZodType> = ({ schema, httpPart }) => {
  const part = httpPart === 'querystring' ? 'query' : (httpPart ?? 'request');
  return (data: unknown) => {
    const parsed = schema.safeParse(data);
    if (parsed.success) return { value: parsed.data };
    const problems = parsed.error.issues.map((issue) => `${[part, ...issue.path].join('.')}: ${issue.message}`);
    return { error: new SyndicateError('SYN_ERR_BAD_REQUEST', `invalid ${part}: ${problems.join('; ')}`, { details: problems }) };
  };
};
