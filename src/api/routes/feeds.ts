import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Gauge, type Registry } from 'prom-client';
import type { ChannelConfig } from '../../config/schema.js';
import { SyndicateError } from '../../core/errors.js';
import { hubUrl, renderChannelDocument } from '../../publish/channel-feed.js';
import { channelUrl, FEED_CONTENT_TYPES, type FeedFormat } from '../../publish/render-feed.js';
import type { ChannelState } from '../../publish/item-store.js';
import type { ItemStore } from '../../publish/item-store.js';
import type { HttpContext } from '../http-context.js';
import { FeedCache } from '../../publish/feed-cache.js';
import { isVariant, renderChannelVariant, resolveVariant, variantKey, type FeedVariantQuery } from '../../publish/feed-variant.js';
import { schemaOf, type RouteRequest } from '../schemas.js';

/** How long a channel's definition and version are trusted without word of a change (a lost pub/sub message). */
export const CHANNEL_STATE_TTL_MS = 1_000;

/**
 * Channel definitions and versions held in memory, so that a poll of an unchanged feed costs no Redis round
 * trip. Dropped at once when this process changes a channel, when any process announces a change on the
 * `channelChanges` pub/sub channel, when the admin API writes a channel, and in any case after the TTL.
 */
interface MemoEntry {
  channel: ChannelConfig | null;
  state: ChannelState;
  /** FeedCache.definitionOf(channel), computed once per load rather than per poll. */
  definition: string;
  at: number;
}

class ChannelStateMemo {
  private readonly entries = new Map<string, MemoEntry>();

  constructor(private readonly ctx: Pick<HttpContext, 'catalog' | 'items' | 'redisUp'>) {}

  async get(channelId: string): Promise<MemoEntry> {
    const now = Date.now();
    const hit = this.entries.get(channelId);
    if (hit && now - hit.at < CHANNEL_STATE_TTL_MS) return hit;
    // While Redis is away, the last known state serves: the document it names is still in the feed cache, with
    // the same ETag (stale-if-error). Without one, the request fails and is answered 503 with Retry-After.
    if (hit && !this.ctx.redisUp()) return hit;
    let loaded: [ChannelConfig | null, ChannelState];
    try {
      loaded = await Promise.all([this.ctx.catalog.get('channels', channelId), this.ctx.items.channelState(channelId)]);
    } catch (err) {
      if (hit) return hit;
      throw err;
    }
    const [channel, state] = loaded;
    // Only the first 1000 channels are memoized: ids come from URLs, and unknown ones must not grow the map.
    const entry = { channel, state, definition: channel ? FeedCache.definitionOf(channel) : '', at: now };
    if (this.entries.size < 1000 || this.entries.has(channelId)) this.entries.set(channelId, entry);
    return entry;
  }

  /**
   * Marks entries stale rather than dropping them: the next request reloads them from Redis, but while Redis is
   * away the last known state (whose document the feed cache still holds) keeps answering.
   */
  invalidate(channelId?: string): void {
    if (channelId === undefined) for (const entry of this.entries.values()) entry.at = 0;
    else {
      const entry = this.entries.get(channelId);
      if (entry) entry.at = 0;
    }
  }
}

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
 * What serving feeds touches: channel definitions (catalog) and stored stories with their change notices (items),
 * whether Redis is up (to serve the last known state through an outage), the public URL (links), the log, and the
 * config (how many feed variants to keep).
 */
export type FeedRouteDeps = Pick<HttpContext, 'catalog' | 'items' | 'redisUp' | 'env' | 'logger' | 'config' | 'clock'>;

/**
 * `GET /feeds/{channel}.rss|.atom|.json` (the current document) and `GET /feeds/{channel}/archive/{n}.{format}`
 * (RFC 5005 archive pages, 1 the oldest): rendered once per channel change, then served from memory.
 */
// eslint-disable-next-line max-lines-per-function -- route table: one registration per feed route
export function registerFeedRoutes(app: FastifyInstance, ctx: FeedRouteDeps, startedAt: Date, localChanges: ItemStore = ctx.items, registry?: Registry): void {
  const cache = new FeedCache();
  // Variants (`?limit=&filter=…`) have a cache of their own, bounded by the setting: any client can ask for many.
  const variants = new FeedCache(ctx.config.limits.feedVariants);
  new Gauge({
    name: 'syndicate_feed_variants_cached',
    help: 'Rendered feed variants (?limit=&filter=&filterout=&since=) held in memory by this process',
    registers: registry ? [registry] : [],
    collect() {
      this.set(variants.size);
    },
  });
  const memo = new ChannelStateMemo(ctx);
  // The workers of this process write through the process's own store: its change notices come from there.
  const unsubscribeLocal = localChanges.onChannelChange((channelId) => memo.invalidate(channelId));
  // Other processes' changes: the TTL covers notices lost during an outage.
  const stopWatching = ctx.items.watchChannelChanges(
    (channelId) => memo.invalidate(channelId),
    (err) => ctx.logger.warn({ err: err.message }, 'feed cache: no change notifications, relying on the TTL'),
  );
  // Channel definitions are written through the admin API of this same process.
  app.addHook('onResponse', async (request) => {
    if (request.method !== 'GET' && request.url.startsWith('/api/v1/channels')) memo.invalidate();
  });
  app.addHook('onClose', async () => {
    unsubscribeLocal();
    stopWatching();
  });

  async function serve(
    request: FastifyRequest,
    reply: FastifyReply,
    channelId: string,
    format: FeedFormat,
    archive: number | null,
    query: FeedVariantQuery = {},
  ) {
    const { channel, state, definition } = await memo.get(channelId);
    if (!channel) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no channel ${channelId}`);
    let feed;
    if (isVariant(query)) {
      const variant = resolveVariant(query, Date.now());
      // Keyed like the channel's document plus the resolved parameters: a change of the channel renders it afresh.
      const document = `${FeedCache.documentOf(channel, format)}?${variantKey(variant)}`;
      feed = await variants.get(
        `${FeedCache.keyOf(channel, format, state.version, null, definition)}?${variantKey(variant)}`,
        () => renderChannelVariant(ctx, channel, format, query, variant, startedAt),
        document,
      );
    } else {
      feed = await cache.get(
        FeedCache.keyOf(channel, format, state.version, archive, definition),
        () => renderChannelDocument(ctx, channel, format, archive, startedAt),
        FeedCache.documentOf(channel, format, archive),
      );
    }
    if (!feed) throw new SyndicateError('SYN_ERR_NOT_FOUND', `channel ${channelId} has no archive page ${archive} yet`);
    reply
      .header('etag', feed.etag)
      .header('last-modified', feed.lastModified.toUTCString())
      // A full archive page keeps its stories for good; only an edit of one of them changes it, so a day is safe.
      .header('cache-control', feed.archive ? 'public, max-age=86400, stale-while-revalidate=604800' : 'public, max-age=60')
      .header('vary', 'accept-encoding')
      // WebSub discovery (§4) by HTTP header too, for subscribers that do not parse the document.
      .header('link', `<${hubUrl(ctx.env.publicUrl)}>; rel="hub", <${channelUrl(ctx.env.publicUrl, channelId, format, archive)}>; rel="self"`);
    if (isNotModified(request.headers, feed.etag, feed.lastModified)) return reply.status(304).send();
    return reply.type(FEED_CONTENT_TYPES[format]).send(feed.body);
  }

  app.get<RouteRequest<'GET /feeds/:file'>>('/feeds/:file', { schema: schemaOf('GET /feeds/:file') }, async (request, reply) => {
    const match = FILE.exec(request.params.file);
    if (!match) throw new SyndicateError('SYN_ERR_NOT_FOUND', `no feed ${request.params.file}: use {channel}.rss, .atom or .json`);
    return serve(request, reply, match[1]!, match[2] as FeedFormat, null, request.query);
  });

  app.get<RouteRequest<'GET /feeds/:channel/archive/:file'>>(
    '/feeds/:channel/archive/:file',
    { schema: schemaOf('GET /feeds/:channel/archive/:file') },
    async (request, reply) => {
      const match = ARCHIVE_FILE.exec(request.params.file);
      if (!match || !/^[a-z0-9-]+$/.test(request.params.channel))
        throw new SyndicateError('SYN_ERR_NOT_FOUND', `no archive page ${request.params.file}: use {n}.rss, .atom or .json`);
      return serve(request, reply, request.params.channel, match[2] as FeedFormat, Number(match[1]));
    },
  );
}
