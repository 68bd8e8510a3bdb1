import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import type { FetchJob } from '../queues/pipeline.js';
import type { AppContext } from '../runtime/context.js';
import { decodeText } from './decode-text.js';
import { httpFetch } from './http-fetch.js';
import { parseFeed } from './parse-feed.js';

/** What the fetch stage did with one source, also the shape of its status in the API. */
export interface FetchOutcome {
  sourceId: string;
  status: number | null;
  entries: number;
  newEntries: number;
  notModified: boolean;
}

const hashEntry = (entry: unknown) => createHash('sha256').update(JSON.stringify(entry)).digest('base64url').slice(0, 22);

/**
 * Fetches one source, parses it and hands each new or changed entry to the normalize stage. What the source
 * handed down before is remembered per guid, so an unchanged entry costs nothing downstream. The outcome, good
 * or bad, is written to the source's status hash, where the API shows it.
 */
export async function processFetchJob(ctx: AppContext, job: Job<FetchJob>): Promise<FetchOutcome> {
  const { sourceId } = job.data;
  const source = await ctx.catalog.get('sources', sourceId);
  const statusKey = ctx.keys.sourceStatus(sourceId);
  if (!source || !source.enabled) return { sourceId, status: null, entries: 0, newEntries: 0, notModified: false };
  const previous = await ctx.redis.hgetall(statusKey);
  const startedAt = new Date(ctx.clock.now()).toISOString();
  try {
    const limits = ctx.config.limits;
    const response = await httpFetch(source.url, { timeoutMs: limits.fetchTimeout, maxBytes: limits.maxFeedBytes, guard: ctx.guard }, { etag: previous.etag, lastModified: previous.lastModified });
    if (response.notModified) {
      await ctx.redis.hset(statusKey, { lastFetchAt: startedAt, httpStatus: 304, errorCode: '', errorMessage: '', consecutiveErrors: 0 });
      return { sourceId, status: 304, entries: 0, newEntries: 0, notModified: true };
    }
    if (response.status >= 400) {
      throw new SyndicateError(response.status === 410 ? 'SYN_ERR_FETCH_GONE' : 'SYN_ERR_FETCH_HTTP_STATUS', `${source.url} answered ${response.status}`, { details: { status: response.status } });
    }
    const feed = await parseFeed(decodeText(response.body, response.headers['content-type']), limits.maxEntriesPerFetch);
    const homepage = source.homepage ?? feed.link ?? new URL(source.url).origin + '/';
    const seenKey = ctx.keys.sourceSeen(sourceId);
    let newEntries = 0;
    for (const entry of feed.entries) {
      const key = entry.guid ?? entry.link ?? entry.title;
      const digest = hashEntry(entry);
      if ((await ctx.redis.hget(seenKey, key)) === digest) continue;
      await ctx.queues.normalize.add('normalize', { sourceId, sourceHomepage: homepage, entry, fetchedAt: startedAt }, { jobId: `${sourceId}-${digest}` });
      await ctx.redis.hset(seenKey, key, digest);
      newEntries++;
    }
    await ctx.redis.expire(seenKey, Math.ceil(ctx.config.limits.retention / 1000));
    await ctx.redis.hset(statusKey, {
      lastFetchAt: startedAt,
      lastSuccessAt: startedAt,
      httpStatus: response.status,
      etag: response.headers.etag ?? '',
      lastModified: response.headers['last-modified'] ?? '',
      entriesSeen: feed.entries.length,
      newEntries,
      feedTitle: feed.title,
      errorCode: '',
      errorMessage: '',
      consecutiveErrors: 0,
    });
    ctx.logger.info({ sourceId, status: response.status, entries: feed.entries.length, newEntries }, 'fetched source');
    return { sourceId, status: response.status, entries: feed.entries.length, newEntries, notModified: false };
  } catch (err) {
    const error = toSyndicateError(err, 'SYN_ERR_FETCH_FAILED');
    await ctx.redis.hset(statusKey, { lastFetchAt: startedAt, errorCode: error.code, errorMessage: error.message, consecutiveErrors: Number(previous.consecutiveErrors ?? 0) + 1 });
    ctx.logger.warn({ sourceId, code: error.code, err: error.message }, 'fetch failed');
    throw error;
  }
}
