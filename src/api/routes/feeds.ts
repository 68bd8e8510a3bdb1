import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { SyndicateError } from '../../core/errors.js';
import { renderChannelDocument } from '../../publish/channel-feed.js';
import { FEED_CONTENT_TYPES, type FeedFormat } from '../../publish/render-feed.js';
import type { AppContext } from '../../runtime/context.js';
import { FeedCache } from '../feed-cache.js';

const FILE = /^([a-z0-9-]+)\.(rss|atom|json)$/;
const ARCHIVE_FILE = /^([1-9][0-9]{0,8})\.(rss|atom|json)$/;

/** Answers whether the client's validators still match (RFC 9110: If-None-Match wins over If-Modified-Since). */
export function isNotModified(headers: { 'if-none-match'?: string; 'if-modified-since'?: string }, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch) return ifNoneMatch.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag || tag.trim() === '*');
  const since = headers['if-modified-since'] ? Date.parse(headers['if-modified-since']) : NaN;
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) <= Math.floor(since / 1000);
}

/**
 * `GET /feeds/{channel}.rss|.atom|.json` (the current document) and `GET /feeds/{channel}/archive/{n}.{format}`
 * (RFC 5005 archive pages, 1 the oldest): rendered once per channel change, then served from memory.
 */
export function registerFeedRoutes(app: FastifyInstance, ctx: AppContext, startedAt: Date): void {
  const cache = new FeedCache();

  async function serve(request: FastifyRequest, reply: FastifyReply, channelId: string, format: FeedFormat, archive: number | null) {
    // One round trip for the definition and the version: every poll pays it, so it is the hot path.
    const [channel, state] = await Promise.all([ctx.catalog.get('channels', channelId), ctx.items.channelState(channelId)]);
    if (!channel) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no channel ${channelId}`);
    const feed = await cache.get(FeedCache.keyOf(channel, format, state.version, archive), () => renderChannelDocument(ctx, channel, format, archive, startedAt));
    if (!feed) throw new SyndicateError('SYN_ERR_NOT_FOUND', `channel ${channelId} has no archive page ${archive} yet`);
    reply
      .header('etag', feed.etag)
      .header('last-modified', feed.lastModified.toUTCString())
      // A full archive page keeps its stories for good; only an edit of one of them changes it, so a day is safe.
      .header('cache-control', feed.archive ? 'public, max-age=86400, stale-while-revalidate=604800' : 'public, max-age=60')
      .header('vary', 'accept-encoding');
    if (isNotModified(request.headers, feed.etag, feed.lastModified)) return reply.status(304).send();
    return reply.type(FEED_CONTENT_TYPES[format]).send(feed.body);
  }

  app.get<{ Params: { file: string } }>('/feeds/:file', async (request, reply) => {
    const match = FILE.exec(request.params.file);
    if (!match) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no feed ${request.params.file}: use {channel}.rss, .atom or .json`);
    return serve(request, reply, match[1]!, match[2] as FeedFormat, null);
  });

  app.get<{ Params: { channel: string; file: string } }>('/feeds/:channel/archive/:file', async (request, reply) => {
    const match = ARCHIVE_FILE.exec(request.params.file);
    if (!match || !/^[a-z0-9-]+$/.test(request.params.channel)) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no archive page ${request.params.file}: use {n}.rss, .atom or .json`);
    return serve(request, reply, request.params.channel, match[2] as FeedFormat, Number(match[1]));
  });
}
