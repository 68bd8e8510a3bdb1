import type { FastifyInstance } from 'fastify';
import { SyndicateError } from '../../core/errors.js';
import { FEED_CONTENT_TYPES, renderChannel, type FeedFormat } from '../../publish/render-feed.js';
import type { AppContext } from '../../runtime/context.js';
import { FeedCache } from '../feed-cache.js';

const FORMATS = new Set<FeedFormat>(['rss', 'atom', 'json']);

/** Answers whether the client's validators still match (RFC 9110: If-None-Match wins over If-Modified-Since). */
export function isNotModified(headers: { 'if-none-match'?: string; 'if-modified-since'?: string }, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const since = headers['if-modified-since'] ? Date.parse(headers['if-modified-since']) : NaN;
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/** `GET /feeds/{channel}.rss|.atom|.json`: rendered once per channel change, then served from memory. */
export function registerFeedRoutes(app: FastifyInstance, ctx: AppContext, startedAt: Date): void {
  const cache = new FeedCache();
  app.get<{ Params: { file: string } }>('/feeds/:file', async (request, reply) => {
    const match = /^([a-z0-9-]+)\.(rss|atom|json)$/.exec(request.params.file);
    if (!match || !FORMATS.has(match[2] as FeedFormat)) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no feed ${request.params.file}: use {channel}.rss, .atom or .json`);
    const [, channelId, format] = match as unknown as [string, string, FeedFormat];
    const channel = await ctx.catalog.get('channels', channelId);
    if (!channel) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no channel ${channelId}`);
    const state = await ctx.items.channelState(channelId);
    const feed = await cache.get(FeedCache.keyOf(channel, format, state.version), async () => {
      const { items } = await ctx.items.channelPage(channelId, channel.pageSize);
      const lastModified = new Date(state.lastModified || startedAt.getTime());
      return { body: renderChannel(format, channel, items, { publicUrl: ctx.env.publicUrl }, lastModified), lastModified };
    });
    reply
      .header('etag', feed.etag)
      .header('last-modified', feed.lastModified.toUTCString())
      .header('cache-control', 'public, max-age=60')
      .header('vary', 'accept-encoding');
    if (isNotModified(request.headers, feed.etag, feed.lastModified)) return reply.status(304).send();
    return reply.type(FEED_CONTENT_TYPES[format]).send(feed.body);
  });
}
