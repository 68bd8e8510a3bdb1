import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { ChannelConfig } from '../../config/schema.js';
import { SyndicateError } from '../../core/errors.js';
import { safeItem } from '../../core/safe-item.js';
import { PeopleOperations } from '../../people/operations.js';
import { hubUrl } from '../../publish/channel-feed.js';
import { FEED_CONTENT_TYPES, renderChannel, type FeedFormat } from '../../publish/render-feed.js';
import type { HttpContext } from '../http-context.js';
import { schemaOf, type RouteRequest } from '../schemas.js';
import { isNotModified } from './feeds.js';

/** What the people routes touch: the people and the stored stories, the public URL for feed links. */
export type PeopleRouteDeps = Pick<HttpContext, 'people' | 'items' | 'env'>;

const PERSON_FILE = /^(p-[A-Za-z0-9_-]{1,40})\.(rss|atom|json)$/;
/** Stories in a person's feed. */
const PERSON_FEED_SIZE = 50;

/**
 * `GET /feeds/people/{id}.rss|.atom|.json`: the stories that name a person, newest first, in the same formats as
 * the channels (conditional GET by a digest of the document). Public like the channel feeds.
 */
export function registerPeopleFeeds(app: FastifyInstance, ctx: PeopleRouteDeps): void {
  const ops = new PeopleOperations(ctx);
  app.get<RouteRequest<'GET /feeds/people/:file'>>('/feeds/people/:file', { schema: schemaOf('GET /feeds/people/:file') }, async (request, reply) => {
    const match = PERSON_FILE.exec(request.params.file);
    if (!match) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no feed ${request.params.file}: use people/{person id}.rss, .atom or .json`);
    const format = match[2] as FeedFormat;
    const { person, items } = await ops.stories(match[1]!, PERSON_FEED_SIZE);
    const channel: ChannelConfig = {
      id: `people/${person.id}`,
      title: person.names[0] ?? person.id,
      description: `Interviews with ${person.names.join(' / ')}`,
      filter: {},
      pageSize: PERSON_FEED_SIZE,
    };
    const updated = new Date(Math.max(0, ...items.map((item) => Date.parse(item.updatedAt)).filter((t) => !Number.isNaN(t))));
    const body = renderChannel(format, channel, items, { publicUrl: ctx.env.publicUrl, hubUrl: hubUrl(ctx.env.publicUrl) }, updated, {
      archive: null,
      archivePages: 0,
    });
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 27)}"`;
    reply.header('etag', etag).header('last-modified', updated.toUTCString()).header('cache-control', 'public, max-age=60');
    if (isNotModified(request.headers, etag, updated)) return reply.status(304).send();
    return reply.type(FEED_CONTENT_TYPES[format]).send(body);
  });
}

/** `/api/v1/people`: people across scripts, with an operator's merge and split (behind the admin token). */
export function registerPeopleApi(app: FastifyInstance, ctx: PeopleRouteDeps): void {
  const ops = new PeopleOperations(ctx);
  app.get<RouteRequest<'GET /api/v1/people'>>('/api/v1/people', { schema: schemaOf('GET /api/v1/people') }, async (request) => ({
    items: await ops.list(request.query.limit ?? 100, request.query.offset ?? 0),
  }));
  app.get<RouteRequest<'GET /api/v1/people/:id'>>('/api/v1/people/:id', { schema: schemaOf('GET /api/v1/people/:id') }, async (request) => ({
    person: await ops.get(request.params.id),
  }));
  app.get<RouteRequest<'GET /api/v1/people/:id/items'>>('/api/v1/people/:id/items', { schema: schemaOf('GET /api/v1/people/:id/items') }, async (request) => {
    const { items } = await ops.stories(request.params.id, request.query.limit ?? 50);
    return { items: items.map((item) => safeItem(item)) };
  });
  app.post<RouteRequest<'POST /api/v1/people/:id/merge'>>(
    '/api/v1/people/:id/merge',
    { schema: schemaOf('POST /api/v1/people/:id/merge') },
    async (request) => ({
      person: await ops.merge(request.params.id, request.body.from),
    }),
  );
  app.post<RouteRequest<'POST /api/v1/people/:id/split'>>('/api/v1/people/:id/split', { schema: schemaOf('POST /api/v1/people/:id/split') }, async (request) =>
    ops.split(request.params.id, request.body.names),
  );
}
