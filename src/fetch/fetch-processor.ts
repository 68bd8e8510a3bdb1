import { createHash } from 'node:crypto';
import type { Job } from 'bullmq';
import type { ChainableCommander } from 'ioredis';
import { SyndicateError, toSyndicateError } from '../core/errors.js';
import { RequestSlots, hostOf, waitForSlot } from '../net/host-politeness.js';
import type { FetchJob } from '../queues/pipeline.js';
import { postpone } from '../queues/postpone.js';
import type { AppContext } from '../runtime/context.js';
import { parseRetryAfter } from '../net/retry-after.js';
import { decideRedirect, freshnessFromHeaders, planNextPoll, type PollObservation } from '../scheduler/next-fetch.js';
import { enqueuePoll, pollJobDueAt } from '../scheduler/source-scheduler.js';
import { decodeText } from '../content/decode-text.js';
import { fetchLimits, httpFetch, type FetchResult } from './http-fetch.js';
import type { FeedEntry, ParsedFeed } from '../content/feed-entry.js';
import type { FullTextMode } from './full-text/needs-full-text.js';
import { parseFeed } from '../content/parse-feed.js';
import { fetchFullText } from './full-text/fetch-full-text.js';
import { sourceHomepage } from '../core/url-policy.js';
import { ensureWebSubSubscription, websubActive, type WebSubState } from './websub.js';

/** What the fetch stage did with one source. */
export interface FetchOutcome {
  sourceId: string;
  status: number | null;
  entries: number;
  newEntries: number;
  notModified: boolean;
  /** Why nothing was fetched: the source is removed/disabled, gone, or the job was a stale poll. */
  skipped?: 'disabled' | 'gone' | 'stale';
}

const hashEntry = (entry: unknown) => createHash('sha256').update(JSON.stringify(entry)).digest('base64url').slice(0, 22);

/**
 * Fetches one source, parses it and hands each new or changed entry to the normalize stage, then plans and
 * enqueues the source's next poll (see scheduler/source-scheduler.ts). Before any request the source's host must
 * grant a politeness slot; when it does not (busy, too soon, or paused by `Retry-After`) the job is moved back to
 * the delayed set until then, so a paused host never holds a worker or delays other hosts' sources.
 * Every outcome, good or bad, is written to the source's status hash, where the API shows it.
 */
export async function processFetchJob(ctx: AppContext, job: Job<FetchJob>, token?: string): Promise<FetchOutcome> {
  const { sourceId } = job.data;
  const nothing = (skipped: FetchOutcome['skipped']): FetchOutcome => ({ sourceId, status: null, entries: 0, newEntries: 0, notModified: false, skipped });
  const source = await ctx.catalog.get('sources', sourceId);
  const statusKey = ctx.keys.sourceStatus(sourceId);
  if (!source || !source.enabled) {
    // The chain ends here; the reconcile pass starts a new one if the source comes back.
    await ctx.redis.hdel(statusKey, 'nextFetchAt');
    return nothing('disabled');
  }
  const previous = await ctx.redis.hgetall(statusKey);
  const dueAt = pollJobDueAt(job.id, sourceId);
  if (dueAt !== null && (previous.gone === '1' || String(dueAt) !== previous.nextFetchAt)) return nothing(previous.gone === '1' ? 'gone' : 'stale');

  const host = hostOf(source.url);
  const holder = `${job.id}`;
  const gate = ctx.politeness;
  if (host) {
    const retryAt = await gate.acquire(host, holder, ctx.clock.now());
    if (retryAt > 0) {
      // A little jitter so the sources waiting on one host do not all come back in the same millisecond.
      if (token) await postpone(job, token, retryAt + Math.floor(Math.random() * 50));
      await waitForSlot(gate, ctx.clock, host, holder, Math.max(0, retryAt - ctx.clock.now()) + ctx.config.limits.fetchTimeout);
    }
  }
  // The feed request uses the slot just taken; each redirect hop takes one of its own (see RequestSlots).
  const slots = new RequestSlots(gate, ctx.clock, holder, ctx.config.limits.fetchTimeout, host);
  try {
    return await fetchSource(ctx, source.id, source.url, source.interval, previous, slots);
  } finally {
    await slots.release();
  }
}

type Status = Record<string, string>;

async function fetchSource(ctx: AppContext, sourceId: string, url: string, baseMs: number, previous: Status, slots: RequestSlots): Promise<FetchOutcome> {
  const statusKey = ctx.keys.sourceStatus(sourceId);
  const now = ctx.clock.now();
  const startedAt = new Date(now).toISOString();
  const limits = ctx.config.limits;
  // The feed's own floors as last seen, so that they hold even when this fetch fails before reading the feed.
  const observation: PollObservation = {
    baseMs,
    previousIntervalMs: Number(previous.currentInterval) || null,
    maxMs: limits.maxInterval,
    ttlMinutes: Number(previous.feedTtl) || null,
    updatePeriodMinutes: Number(previous.feedUpdatePeriod) || null,
  };
  let response: FetchResult | undefined;
  try {
    const stopTimer = ctx.metrics.fetchLatency.startTimer();
    try {
      response = await httpFetch(url, { ...fetchLimits(ctx.config, ctx.guard), beforeRequest: (hop) => slots.before(hop) }, { etag: previous.etag, lastModified: previous.lastModified });
    } finally {
      stopTimer();
    }
    // The feed request is over: its slot goes back now, so that article pages on the same host can take one
    // (with a concurrency of 1 they would otherwise wait for a slot this very job holds).
    await slots.release();
    // A pause asked for below is for the host that answered, which a redirect may have changed.
    const host = hostOf(response.url);
    await followPermanentRedirect(ctx, sourceId, url, response, previous);
    observation.freshnessMs = freshnessFromHeaders(response.headers, now);
    ctx.metrics.fetchOutcomes.inc({ code: String(response.status) });
    if (response.status === 410) {
      await ctx.redis.hset(statusKey, { lastFetchAt: startedAt, httpStatus: 410, entriesSeen: 0, newEntries: 0, notModified: '', gone: 1, goneAt: startedAt, errorCode: 'SYN_ERR_FETCH_GONE', errorMessage: `${url} answered 410 Gone: polling stopped`, nextFetchAt: '', nextFetchAtIso: '' });
      ctx.logger.warn({ sourceId, code: 'SYN_ERR_FETCH_GONE', url }, 'source is gone: polling stopped');
      return { sourceId, status: 410, entries: 0, newEntries: 0, notModified: false };
    }
    // Retry-After counts from the answer, which waiting for a host slot may have put well after the job's start.
    const answeredAt = ctx.clock.now();
    const retryAfterMs = response.status === 429 || response.status === 503 ? parseRetryAfter(response.headers['retry-after'], answeredAt) : null;
    // A 429, or a 503 that says when to come back, is the host asking for a pause: for the whole host, not the queue.
    if (response.status === 429 || retryAfterMs !== null) {
      if (retryAfterMs !== null && host) await ctx.politeness.pause(host, answeredAt + retryAfterMs);
      observation.retryAfterMs = retryAfterMs;
      throw new SyndicateError('SYN_ERR_FETCH_RATE_LIMITED', `${url} answered ${response.status}${retryAfterMs !== null ? `, retry after ${Math.round(retryAfterMs / 1000)} s` : ''}`, { details: { status: response.status, retryAfterMs } });
    }
    if (response.status >= 400 || (response.status >= 300 && !response.notModified)) {
      throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `${url} answered ${response.status}`, { details: { status: response.status } });
    }
    let entries = 0;
    let newEntries = 0;
    // What this fetch did, not what the last 200 did: a 304 saw no entries and brought none.
    const fields: Record<string, string | number> = { entriesSeen: 0, newEntries: 0, notModified: response.notModified ? 1 : '' };
    if (!response.notModified) {
      const ingested = await ingestFeedDocument(ctx, sourceId, response.body, response.headers['content-type'], startedAt, response.url);
      const { feed } = ingested;
      newEntries = ingested.newEntries;
      entries = feed.entries.length;
      observation.ttlMinutes = feed.ttlMinutes;
      observation.updatePeriodMinutes = feed.updatePeriodMinutes;
      // An ill-formed document read leniently says what was wrong (empty once the publisher fixes it).
      const parseWarning = feed.warnings.join('; ');
      if (parseWarning) ctx.logger.warn({ sourceId, warning: parseWarning }, 'feed is ill-formed: read leniently');
      Object.assign(fields, { feedTitle: feed.title, feedTtl: feed.ttlMinutes ?? '', feedUpdatePeriod: feed.updatePeriodMinutes ?? '', hubUrl: feed.hubUrl ?? '', entriesSeen: entries, newEntries, parseWarning });
      if (feed.hubUrl) {
        const subscription = await ensureWebSubSubscription(ctx, sourceId, new URL(feed.hubUrl, response.url).href, feed.selfUrl ? new URL(feed.selfUrl, response.url).href : response.url);
        observation.pushActive = websubActive(subscription, now);
      }
    } else if (previous.hubUrl) {
      observation.pushActive = websubActive((await ctx.redis.hgetall(ctx.keys.websub(sourceId))) as WebSubState, now);
    }
    observation.newEntries = newEntries;
    observation.entries = response.notModified ? 0 : entries;
    const next = await planAndEnqueue(ctx, sourceId, observation);
    const status = ctx.redis.multi().hset(statusKey, {
      ...fields,
      lastFetchAt: startedAt,
      lastSuccessAt: startedAt,
      httpStatus: response.status,
      etag: response.headers.etag ?? previous.etag ?? '',
      lastModified: response.headers['last-modified'] ?? previous.lastModified ?? '',
      errorCode: '',
      errorMessage: '',
      consecutiveErrors: 0,
      // An operator who re-adds a gone source (scheduleSource clears `gone`) revives it unless it still answers 410.
      gone: '',
      ...next,
    });
    // Running totals beside the last fetch's own figures, in the same transaction so a reader sees both agree.
    countFetch(status, statusKey, response.notModified ? 'totalNotModified' : null, newEntries);
    await status.exec();
    ctx.logger.info({ sourceId, status: response.status, entries, newEntries, nextFetchAt: next.nextFetchAtIso }, response.notModified ? 'source not modified' : 'fetched source');
    return { sourceId, status: response.status, entries, newEntries, notModified: response.notModified };
  } catch (err) {
    const error = toSyndicateError(err, 'SYN_ERR_FETCH_FAILED');
    // An answer was counted by its status already; a fetch that got none is counted by why.
    if (!response) ctx.metrics.fetchOutcomes.inc({ code: error.code });
    observation.consecutiveErrors = Number(previous.consecutiveErrors ?? 0) + 1;
    // One bad source never stops polling: the next probe is planned whatever went wrong.
    const next = await planAndEnqueue(ctx, sourceId, observation).catch(() => ({}));
    const status = ctx.redis.multi().hset(statusKey, {
      lastFetchAt: startedAt,
      httpStatus: response?.status ?? '',
      errorCode: error.code,
      errorMessage: error.message,
      consecutiveErrors: observation.consecutiveErrors,
      // A failed fetch saw no entries either.
      entriesSeen: 0,
      newEntries: 0,
      notModified: '',
      gone: '',
      ...next,
    });
    countFetch(status, statusKey, 'totalErrors', 0);
    await status.exec();
    ctx.logger.warn({ sourceId, code: error.code, err: error.message, consecutiveErrors: observation.consecutiveErrors }, 'fetch failed');
    throw error;
  }
}

/**
 * Adds one fetch to a source's running totals (`totalFetches`, the outcome's own counter if any, `totalNewEntries`),
 * as part of `transaction`.
 */
function countFetch(transaction: ChainableCommander, statusKey: string, outcome: 'totalNotModified' | 'totalErrors' | null, newEntries: number): void {
  transaction.hincrby(statusKey, 'totalFetches', 1);
  if (outcome) transaction.hincrby(statusKey, outcome, 1);
  if (newEntries) transaction.hincrby(statusKey, 'totalNewEntries', newEntries);
}

/** Plans the next poll, enqueues it and answers the status fields that describe it. */
async function planAndEnqueue(ctx: AppContext, sourceId: string, observation: PollObservation) {
  const now = ctx.clock.now();
  const plan = planNextPoll(observation);
  const at = now + plan.delayMs;
  await enqueuePoll(ctx.queues.fetch, sourceId, at, now);
  return { nextFetchAt: at, nextFetchAtIso: new Date(at).toISOString(), currentInterval: plan.intervalMs };
}

/**
 * Decodes and parses a feed document and hands each new or changed entry to normalize. What a source handed down
 * before is remembered per guid, so an unchanged entry costs nothing downstream. Shared by polling and WebSub
 * pushes, so both go through the same limits and dedup. An entry that carries only a summary is first completed
 * from its article page (per the source's `fullText`); a page that fails leaves the summary, and the error is
 * counted and kept on the source status (`fullTextErrors`, `fullTextErrorCode`, `fullTextErrorMessage`).
 */
export async function ingestFeedDocument(ctx: AppContext, sourceId: string, body: Buffer, contentType: string | undefined, fetchedAt: string, documentUrl: string): Promise<{ feed: ParsedFeed; newEntries: number }> {
  const feed = await parseFeed(decodeText(body, contentType), ctx.config.limits.maxEntriesPerFetch);
  const source = await ctx.catalog.get('sources', sourceId);
  const homepage = sourceHomepage(source?.homepage, feed.link, documentUrl);
  const seenKey = ctx.keys.sourceSeen(sourceId);
  let newEntries = 0;
  for (const feedEntry of feed.entries) {
    const key = feedEntry.guid ?? feedEntry.link ?? feedEntry.title;
    // The digest is the feed's entry, before its page is read: an unchanged entry never costs a page fetch.
    const digest = hashEntry(feedEntry);
    if ((await ctx.redis.hget(seenKey, key)) === digest) continue;
    const entry = await completeFromPage(ctx, sourceId, feedEntry, source?.fullText ?? 'auto');
    await ctx.queues.normalize.add('normalize', { sourceId, sourceHomepage: homepage, entry, fetchedAt }, { jobId: `${sourceId}-${digest}` });
    await ctx.redis.hset(seenKey, key, digest);
    newEntries++;
  }
  await ctx.redis.expire(seenKey, Math.ceil(ctx.config.limits.retention / 1000));
  ctx.metrics.entriesFetched.inc({ result: 'new' }, newEntries);
  ctx.metrics.entriesFetched.inc({ result: 'unchanged' }, feed.entries.length - newEntries);
  return { feed, newEntries };
}

/** Completes one entry from its article page when it needs it; records the outcome on the source status. */
async function completeFromPage(ctx: AppContext, sourceId: string, entry: FeedEntry, mode: FullTextMode): Promise<FeedEntry> {
  const outcome = await fetchFullText(ctx, ctx.politeness, entry, mode);
  const statusKey = ctx.keys.sourceStatus(sourceId);
  if (outcome.fetched) await ctx.redis.hincrby(statusKey, 'fullTextFetched', 1);
  if (outcome.error) {
    await ctx.redis.hincrby(statusKey, 'fullTextErrors', 1);
    await ctx.redis.hset(statusKey, { fullTextErrorCode: outcome.error.code, fullTextErrorMessage: outcome.error.message, fullTextErrorAt: new Date(ctx.clock.now()).toISOString(), fullTextErrorUrl: entry.link ?? '' });
    ctx.logger.warn({ sourceId, code: outcome.error.code, err: outcome.error.message, url: entry.link }, 'article page unusable: entry kept with its summary');
  }
  return outcome.entry;
}

/**
 * Applies the redirect rule (`decideRedirect`): a permanent redirect seen on consecutive fetches moves the stored
 * URL in the catalog, logged and recorded as `redirectedFrom` in the status.
 */
async function followPermanentRedirect(ctx: AppContext, sourceId: string, url: string, response: FetchResult, previous: Status): Promise<void> {
  const decision = decideRedirect(response.redirects, { target: previous.permanentRedirectTarget || null, seen: Number(previous.permanentRedirectSeen) || 0 });
  const statusKey = ctx.keys.sourceStatus(sourceId);
  await ctx.redis.hset(statusKey, { permanentRedirectTarget: decision.memory.target ?? '', permanentRedirectSeen: decision.memory.seen });
  if (!decision.moveTo) return;
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source || source.url !== url) return;
  await ctx.catalog.put('sources', { ...source, url: decision.moveTo });
  await ctx.redis.hset(statusKey, { redirectedFrom: url, redirectedTo: decision.moveTo, redirectedAt: new Date(ctx.clock.now()).toISOString() });
  ctx.logger.info({ sourceId, from: url, to: decision.moveTo }, 'source moved permanently: stored URL updated');
}
