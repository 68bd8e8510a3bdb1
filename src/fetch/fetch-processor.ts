import { createHash } from 'node:crypto';
import { SyndicateError, toSyndicateError, type ErrorCode } from '../core/errors.js';
import { RequestSlots, hostOf, waitForSlot } from '../net/host-politeness.js';
import type { FetchJob, NormalizeJob } from '../queues/pipeline.js';
import { postpone } from '../queues/postpone.js';
import { pollJobDueAt, type PipelineQueues } from '../queues/queues.js';
import type { StageJob } from '../queues/stage-job.js';
import { decideRedirect, freshnessFromHeaders, planNextPoll, type PollObservation } from '../scheduler/next-fetch.js';
import { fetchLimits, httpFetch, type FetchResult } from './http-fetch.js';
import { credentialsOf, headersFor, type RequestCredentials } from './request-profile.js';
import { discoverFeed } from './discover-feed.js';
import { classifyFeedAnswer } from './answer-policy.js';
import { assertUrlStorable } from '../net/address-guard.js';
import type { SourceConfig } from '../config/schema.js';
import type { FeedEntry, ParsedFeed } from '../content/feed-entry.js';
import type { DateReadingOptions } from '../content/feed-date.js';
import type { FullTextDecision } from './full-text/needs-full-text.js';
import { documentCaps } from '../content/caps.js';
import { isOverrun } from '../sandbox/sandbox.js';
import { rulesFor } from '../content/extraction-rules.js';
import type { CleanupRules } from '../config/schema.js';
import { fetchFullText } from './full-text/fetch-full-text.js';
import { sourceHomepage } from '../core/url-policy.js';
import type { FetchSuccess, FullTextTally, PlannedPoll, PollBookkeeping, SourceStatus } from './source-status.js';
import { ensureWebSubSubscription, websubActive, type WebSubSubscribeDeps } from './hub-subscriber.js';
import { raiseOperationalEvent } from '../deliver/operational-events.js';
import type { StageServices } from '../queues/stage-services.js';
import type { Catalog } from '../catalog/catalog.js';
import type { HostPoliteness } from '../net/host-politeness.js';
import type { SeenEntries } from './seen-entries.js';
import type { SourceStatusStore } from './source-status.js';
import { isOutOfMemory } from '../redis/server-memory.js';

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

/**
 * What ingesting a feed document touches (polls and WebSub pushes alike): the catalog for the source, the memory
 * of entries handed down, the source status (full-text outcomes), politeness and the guard for article pages, and
 * the normalize queue (and the publish queue, for the entries a feed marks deleted).
 */
export type IngestDeps = Pick<StageServices, 'config' | 'guard' | 'clock' | 'metrics' | 'logger' | 'sandbox'> & {
  catalog: Catalog;
  seenEntries: SeenEntries;
  sourceStatus: SourceStatusStore;
  politeness: HostPoliteness;
} & {
  queues: Pick<PipelineQueues, 'enqueueNormalizeBatch' | 'enqueueRetraction'>;
};

/** What the fetch stage touches: ingesting's needs, plus the fetch queue (the next poll) and WebSub subscribing. */
export type FetchDeps = IngestDeps & WebSubSubscribeDeps & { queues: Pick<PipelineQueues, 'enqueuePoll' | 'enqueueFanout'> };

/**
 * An entry's digest: what tells a changed entry from an unchanged one. A date clamped to the fetch time counts as
 * the source wrote it, or the same entry would look changed on every poll until its date came.
 */
const hashEntry = (entry: FeedEntry | string) =>
  createHash('sha256')
    .update(JSON.stringify(typeof entry !== 'string' && entry.futureDates ? { ...entry, ...entry.futureDates } : entry))
    .digest('base64url')
    .slice(0, 22);

/**
 * Fetches one source, parses it and hands each new or changed entry to the normalize stage, then plans and
 * enqueues the source's next poll (see scheduler/source-scheduler.ts). Before any request the source's host must
 * grant a politeness slot; when it does not (busy, too soon, or paused by `Retry-After`) the job is moved back to
 * the delayed set until then, so a paused host never holds a worker or delays other hosts' sources.
 * Every fetch's outcome, good or bad, is recorded in the source status (fetch/source-status.ts), where the API shows
 * it; a job that finds its source disabled, gone or superseded by a newer poll ends without a fetch and records nothing.
 */
export async function processFetchJob(ctx: FetchDeps, job: StageJob<FetchJob>, token?: string): Promise<FetchOutcome> {
  const { sourceId } = job.data;
  const nothing = (skipped: FetchOutcome['skipped']): FetchOutcome => ({ sourceId, status: null, entries: 0, newEntries: 0, notModified: false, skipped });
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source || !source.enabled) {
    // The chain ends here; the reconcile pass starts a new one if the source comes back.
    await ctx.sourceStatus.clearNextFetch(sourceId);
    return nothing('disabled');
  }
  const previous = await ctx.sourceStatus.load(sourceId);
  const dueAt = pollJobDueAt(job.id, sourceId);
  if (dueAt !== null && (previous.status.gone || dueAt !== previous.poll.nextFetchAtMs)) return nothing(previous.status.gone ? 'gone' : 'stale');

  const host = hostOf(source.url);
  const holder = `${job.id}`;
  const gate = ctx.politeness;
  if (host) {
    const retryAt = await gate.acquire(host, holder, ctx.clock.now());
    if (retryAt > 0) {
      // A little jitter so the sources waiting on one host do not all come back in the same millisecond.
      if (token) await postpone(job, token, retryAt + Math.floor(Math.random() * 50), ctx.clock.now());
      await waitForSlot(gate, ctx.clock, host, holder, Math.max(0, retryAt - ctx.clock.now()) + ctx.config.limits.fetchTimeout);
    }
  }
  // The feed request uses the slot just taken; each redirect hop takes one of its own (see RequestSlots).
  const slots = new RequestSlots(gate, ctx.clock, holder, ctx.config.limits.fetchTimeout, host);
  try {
    // A site read without a feed (`format: html|json`) is its listing, never a home page to discover a feed in.
    const first = await fetchSource(ctx, source.id, source.url, source.interval, previous, slots, credentialsOf(source), source.format === 'feed');
    if (!('discovered' in first)) return first;
    // A home page: its feed is now the source's URL, and is read at once (validators of the page do not apply).
    const fresh: Previous = { status: previous.status, poll: { ...previous.poll, etag: null, lastModified: null } };
    const second = await fetchSource(ctx, source.id, first.discovered.url, source.interval, fresh, slots, credentialsOf(first.discovered), false);
    return second as FetchOutcome;
  } finally {
    await slots.release();
  }
}

/** A source's status and bookkeeping as the fetch found them. */
type Previous = { status: SourceStatus; poll: PollBookkeeping };

/** What one fetch of a source knows as it goes: the source, its start, and what the next poll will be planned on. */
interface FetchRun {
  sourceId: string;
  url: string;
  previous: Previous;
  now: number;
  startedAt: string;
  observation: PollObservation;
}

/**
 * One request of a source's URL and what follows from its answer: a gone or rate-limited source, a home page to
 * discover a feed in, a document read (or the same document as last time), the next poll planned, and the outcome
 * recorded in the source status, failures included (then the error is thrown on, for the job to fail).
 */
async function fetchSource(
  ctx: FetchDeps,
  sourceId: string,
  url: string,
  baseMs: number,
  previous: Previous,
  slots: RequestSlots,
  credentials: RequestCredentials | undefined,
  mayDiscover: boolean,
): Promise<FetchOutcome | { discovered: SourceConfig }> {
  const now = ctx.clock.now();
  const limits = ctx.config.limits;
  // The feed's own floors as last seen, so that they hold even when this fetch fails before reading the feed.
  const observation: PollObservation = {
    baseMs,
    previousIntervalMs: previous.poll.intervalMs,
    maxMs: limits.maxInterval,
    ttlMinutes: previous.poll.feedTtlMinutes,
    updatePeriodMinutes: previous.poll.feedUpdatePeriodMinutes,
  };
  const run: FetchRun = { sourceId, url, previous, now, startedAt: new Date(now).toISOString(), observation };
  let response: FetchResult | undefined;
  try {
    response = await requestFeed(ctx, run, slots, credentials);
    // Retry-After counts from the answer, which waiting for a host slot may have put well after the job's start.
    const answeredAt = ctx.clock.now();
    const answer = classifyFeedAnswer(response, answeredAt, mayDiscover);
    if (answer.kind === 'gone') return markGone(ctx, run);
    if (answer.kind === 'rate-limited') await refuseRateLimited(ctx, run, response, answer.retryAfterMs, answeredAt);
    if (answer.kind === 'http-error') {
      throw new SyndicateError('SYN_ERR_FETCH_HTTP_STATUS', `${url} answered ${response.status}`, { details: { status: response.status } });
    }
    if (answer.kind === 'home-page') {
      const discovered = await adoptDiscoveredFeed(ctx, sourceId, url, response, slots, credentials);
      if (discovered) return { discovered };
    }
    const read = answer.kind === 'not-modified' ? await readUnchanged(ctx, run) : await readDocument(ctx, run, response);
    return await recordSuccess(ctx, run, response, read);
  } catch (err) {
    // Redis refusing a write for memory is not the source failing: the stage worker puts the job back to run again
    // once memory is back (wrapped as a fetch failure, it would count against the source and plan no next poll).
    if (isOutOfMemory(err)) throw err;
    throw await recordFailure(ctx, run, response, err);
  }
}

/** The feed request, timed, under the politeness slot; the slot goes back as soon as the answer is in. */
async function requestFeed(ctx: FetchDeps, run: FetchRun, slots: RequestSlots, credentials: RequestCredentials | undefined): Promise<FetchResult> {
  const { previous } = run;
  const stopTimer = ctx.metrics.fetchLatency.startTimer();
  let response: FetchResult;
  try {
    response = await httpFetch(
      run.url,
      { ...fetchLimits(ctx.config, ctx.guard), beforeRequest: (hop) => slots.before(hop), credentials },
      { etag: previous.poll.etag, lastModified: previous.poll.lastModified },
    );
  } finally {
    stopTimer();
  }
  // The feed request is over: its slot goes back now, so that article pages on the same host can take one
  // (with a concurrency of 1 they would otherwise wait for a slot this very job holds).
  await slots.release();
  await followPermanentRedirect(ctx, run.sourceId, run.url, response, previous);
  run.observation.freshnessMs = freshnessFromHeaders(response.headers, run.now);
  ctx.metrics.fetchOutcomes.inc({ code: String(response.status) });
  return response;
}

/** 410 Gone: polling stops, the status says why, and `source.gone` is raised. */
async function markGone(ctx: FetchDeps, run: FetchRun): Promise<FetchOutcome> {
  const { sourceId, url, startedAt } = run;
  await ctx.sourceStatus.markGone(sourceId, startedAt, `${url} answered 410 Gone: polling stopped`);
  ctx.logger.warn({ sourceId, code: 'SYN_ERR_FETCH_GONE', url }, 'source is gone: polling stopped');
  await raiseSourceEvent(ctx, 'source.gone', sourceId, url, startedAt, { goneAt: startedAt });
  return { sourceId, status: 410, entries: 0, newEntries: 0, notModified: false };
}

/**
 * A 429, or a 503 that says when to come back, is the host asking for a pause: for the whole host (the one that
 * answered, which a redirect may have changed), not the queue. Always throws.
 */
async function refuseRateLimited(ctx: FetchDeps, run: FetchRun, response: FetchResult, retryAfterMs: number | null, answeredAt: number): Promise<never> {
  const host = hostOf(response.url);
  if (retryAfterMs !== null && host) await ctx.politeness.pause(host, answeredAt + retryAfterMs);
  run.observation.retryAfterMs = retryAfterMs;
  throw new SyndicateError(
    'SYN_ERR_FETCH_RATE_LIMITED',
    `${run.url} answered ${response.status}${retryAfterMs !== null ? `, retry after ${Math.round(retryAfterMs / 1000)} s` : ''}`,
    { details: { status: response.status, retryAfterMs } },
  );
}

/** What reading the answer gave: entry counts and, for a new document, what the status keeps of the feed. */
interface ReadResult {
  entries: number;
  newEntries: number;
  feed: FetchSuccess['feed'];
}

/** A new document: its new or changed entries go on, the feed's floors and hub are noted. */
async function readDocument(ctx: FetchDeps, run: FetchRun, response: FetchResult): Promise<ReadResult> {
  const { sourceId, observation } = run;
  const { feed, newEntries } = await ingestFeedDocument(ctx, sourceId, response.body, response.headers['content-type'], run.startedAt, response.url);
  const entries = feed.entries.length;
  observation.ttlMinutes = feed.ttlMinutes;
  observation.updatePeriodMinutes = feed.updatePeriodMinutes;
  // An ill-formed document read leniently says what was wrong (empty once the publisher fixes it).
  const parseWarning = feed.warnings.join('; ');
  if (parseWarning) ctx.logger.warn({ sourceId, warning: parseWarning }, 'feed is ill-formed: read leniently');
  if (feed.hubUrl) {
    const subscription = await ensureWebSubSubscription(
      ctx,
      sourceId,
      new URL(feed.hubUrl, response.url).href,
      feed.selfUrl ? new URL(feed.selfUrl, response.url).href : response.url,
    );
    observation.pushActive = websubActive(subscription, run.now);
  }
  observation.newEntries = newEntries;
  observation.entries = entries;
  const { title, ttlMinutes, updatePeriodMinutes, hubUrl } = feed;
  return { entries, newEntries, feed: { title, ttlMinutes, updatePeriodMinutes, hubUrl, entries, newEntries, parseWarning: parseWarning || null } };
}

/** The document read last time (304): its entries are listed still (see fetch/seen-entries.ts). */
async function readUnchanged(ctx: FetchDeps, run: FetchRun): Promise<ReadResult> {
  const { sourceId, observation } = run;
  await ctx.seenEntries.listedAgain(sourceId, run.now);
  if (run.previous.status.hubUrl) observation.pushActive = websubActive(await ctx.feedSubscriptions.get(sourceId), run.now);
  observation.newEntries = 0;
  observation.entries = 0;
  return { entries: 0, newEntries: 0, feed: undefined };
}

/** Plans the next poll and records the success; a source that had failed long enough raises `source.recovered`. */
async function recordSuccess(ctx: FetchDeps, run: FetchRun, response: FetchResult, read: ReadResult): Promise<FetchOutcome> {
  const { sourceId, previous, startedAt } = run;
  const next = await planAndEnqueue(ctx, sourceId, run.observation);
  // An operator who re-adds a gone source (scheduleSource clears `gone`) revives it unless it still answers 410.
  await ctx.sourceStatus.recordSuccess(
    sourceId,
    {
      at: startedAt,
      httpStatus: response.status,
      notModified: response.notModified,
      feed: read.feed,
      etag: response.headers.etag,
      lastModified: response.headers['last-modified'],
      next,
    },
    previous.poll,
  );
  if (previous.status.consecutiveErrors >= ctx.config.events.sourceFailingAfter) {
    await raiseSourceEvent(ctx, 'source.recovered', sourceId, run.url, startedAt, {
      consecutiveErrors: previous.status.consecutiveErrors,
      recoveredAt: startedAt,
    });
  }
  const { entries, newEntries } = read;
  ctx.logger.info(
    { sourceId, status: response.status, entries, newEntries, nextFetchAt: new Date(next.at).toISOString() },
    response.notModified ? 'source not modified' : 'fetched source',
  );
  return { sourceId, status: response.status, entries, newEntries, notModified: response.notModified };
}

/**
 * Records a failed fetch: counted, the next probe planned whatever went wrong (one bad source never stops
 * polling), the error kept in the status, `source.failing` raised once per streak. Answers the error to throw.
 */
async function recordFailure(ctx: FetchDeps, run: FetchRun, response: FetchResult | undefined, err: unknown): Promise<SyndicateError> {
  const { sourceId, previous, observation, startedAt } = run;
  const error = toSyndicateError(err, 'SYN_ERR_FETCH_FAILED');
  // An answer was counted by its status already; a fetch that got none is counted by why.
  if (!response) ctx.metrics.fetchOutcomes.inc({ code: error.code });
  observation.consecutiveErrors = previous.status.consecutiveErrors + 1;
  const next = await planAndEnqueue(ctx, sourceId, observation).catch(() => undefined);
  await ctx.sourceStatus.recordError(sourceId, {
    at: startedAt,
    httpStatus: response?.status ?? null,
    code: error.code,
    message: error.message,
    consecutiveErrors: observation.consecutiveErrors,
    next,
  });
  ctx.logger.warn({ sourceId, code: error.code, err: error.message, consecutiveErrors: observation.consecutiveErrors }, 'fetch failed');
  // Once per streak: when it reaches the threshold (a streak that goes on raises nothing more until a recovery).
  if (observation.consecutiveErrors === ctx.config.events.sourceFailingAfter) {
    await raiseSourceEvent(ctx, 'source.failing', sourceId, run.url, previous.status.lastSuccessAt ?? 'never', {
      consecutiveErrors: observation.consecutiveErrors,
      errorCode: error.code,
      errorMessage: error.message,
      httpStatus: response?.status ?? null,
      lastSuccessAt: previous.status.lastSuccessAt,
      at: startedAt,
    });
  }
  return error;
}

/**
 * Raises a source's operational event (see deliver/operational-events.ts) with its id, name and URL. `occurrence`
 * tells one streak (or one 410) from the next, so a retried fetch job raises nothing twice.
 */
async function raiseSourceEvent(
  ctx: FetchDeps,
  type: 'source.failing' | 'source.recovered' | 'source.gone',
  sourceId: string,
  url: string,
  occurrence: string,
  data: Record<string, unknown>,
): Promise<void> {
  const source = await ctx.catalog.get('sources', sourceId);
  await raiseOperationalEvent(ctx, { type, subject: { sourceId }, occurrence, data: { sourceId, name: source?.name ?? sourceId, url, ...data } });
}

/** Plans the next poll and enqueues it; answers it for the status. */
async function planAndEnqueue(ctx: Pick<FetchDeps, 'clock' | 'queues'>, sourceId: string, observation: PollObservation): Promise<PlannedPoll> {
  const now = ctx.clock.now();
  const plan = planNextPoll(observation);
  const at = now + plan.delayMs;
  await ctx.queues.enqueuePoll(sourceId, at, now);
  return { at, intervalMs: plan.intervalMs };
}

/**
 * Decodes and parses a feed document and hands each new or changed entry to normalize. What a source handed down
 * before is remembered per entry key (guid, else link, else title) with a digest of the entry, so an unchanged
 * entry costs nothing downstream. Shared by polling and WebSub
 * pushes, so both go through the same limits and dedup. An entry that carries only a summary is first completed
 * from its article page (per the source's `fullText`); a page that fails leaves the summary, and the error is
 * counted and kept on the source status (`fullText.errors`, `fullText.lastError`).
 */
export async function ingestFeedDocument(
  ctx: IngestDeps,
  sourceId: string,
  body: Buffer,
  contentType: string | undefined,
  fetchedAt: string,
  documentUrl: string,
): Promise<{ feed: ParsedFeed; newEntries: number }> {
  const source = await ctx.catalog.get('sources', sourceId);
  // Dates as this source writes them: its zone, and the day order its numeric dates showed before (or the config's).
  const knownOrder = source?.dayOrder ?? (await ctx.sourceStatus.dayOrder(sourceId));
  // A listing source's document (format html|json) is read with its listing rules; a feed as a feed.
  const { feed, fullText } = await readFeedInSandbox(ctx, sourceId, { body, contentType, documentUrl, fetchedAt }, source ?? null, {
    zone: source?.timezone,
    dayOrder: knownOrder,
  });
  if (feed.dayOrder && feed.dayOrder !== knownOrder) await ctx.sourceStatus.recordDayOrder(sourceId, feed.dayOrder);
  const homepage = sourceHomepage(source?.homepage, feed.link, documentUrl);
  // Article pages get the profile only on the feed's own host or a host it names.
  const credentials = credentialsOf(source);
  // The digest is the feed's entry, before its page is read: an unchanged entry never costs a page fetch.
  const keyed = feed.entries.map((feedEntry) => ({ feedEntry, key: feedEntry.guid ?? feedEntry.link ?? feedEntry.title, digest: hashEntry(feedEntry) }));
  const unchanged = await ctx.seenEntries.unchanged(sourceId, keyed);
  // What this document handed down already: a key repeated in it compares with its own earlier entry.
  const handed = new Map<string, string>();
  const batch = new NormalizeBatch(ctx, sourceId);
  const pages: FullTextTally = { fetched: 0, errors: 0 };
  try {
    for (const [i, { feedEntry, key, digest }] of keyed.entries()) {
      if (handed.has(key) ? handed.get(key) === digest : unchanged[i]) continue;
      const rules = rulesFor(feedEntry.link ?? documentUrl, source?.cleanup, ctx.config.extractionRules);
      const entry = await completeFromPage(ctx, sourceId, feedEntry, fullText[i]!, credentials, rules, pages);
      await batch.add({ sourceId, sourceHomepage: homepage, entry, fetchedAt }, key, digest);
      handed.set(key, digest);
    }
    await batch.flush();
  } finally {
    await ctx.sourceStatus.recordFullText(sourceId, pages);
  }
  const newEntries = batch.handedDown;
  await retractDeletedEntries(ctx, sourceId, feed);
  // Every entry this document lists is listed still, so the retention sweep keeps it (never handed down again).
  await ctx.seenEntries.listed(sourceId, [...new Set(keyed.map((entry) => entry.key))], ctx.clock.now());
  ctx.metrics.entriesFetched.inc({ result: 'new' }, newEntries);
  ctx.metrics.entriesFetched.inc({ result: 'unchanged' }, feed.entries.length - newEntries);
  return { feed, newEntries };
}

/**
 * A document's new entries on their way to normalize: handed down `limits.entriesPerJob` at a time as one batch job
 * (queues/batch.ts), each remembered (fetch/seen-entries.ts) only once its batch is queued, so a fetch that dies in
 * between hands it down again at the next poll, under the same ids.
 */
class NormalizeBatch {
  #pending: Array<{ job: NormalizeJob; key: string; entryDigest: string }> = [];
  /** Entries handed down so far. */
  handedDown = 0;

  constructor(
    private readonly ctx: IngestDeps,
    private readonly sourceId: string,
  ) {}

  /** Adds an entry (`key` in the source, `entryDigest` its version); a full batch is handed down at once. */
  async add(job: NormalizeJob, key: string, entryDigest: string): Promise<void> {
    this.#pending.push({ job, key, entryDigest });
    if (this.#pending.length >= this.ctx.config.limits.entriesPerJob) await this.flush();
  }

  /** Hands down what is pending, then remembers it. */
  async flush(): Promise<void> {
    const pending = this.#pending;
    if (!pending.length) return;
    this.#pending = [];
    await this.ctx.queues.enqueueNormalizeBatch(pending);
    await this.ctx.seenEntries.rememberAll(this.sourceId, pending, this.ctx.clock.now());
    this.handedDown += pending.length;
  }
}

/** What a seen entry's digest becomes once its source marked it deleted: a tombstone is handed on once. */
const DELETED_DIGEST = 'deleted';

/**
 * Hands each entry the feed marks deleted (Atom `at:deleted-entry`) to the publish stage once, which takes this
 * outlet out of the story (and the story out of the channels when it was the last). Remembered like an entry, under
 * its id, so that a tombstone the feed keeps costs nothing on later polls; an entry that comes back later is new again.
 */
async function retractDeletedEntries(ctx: IngestDeps, sourceId: string, feed: ParsedFeed): Promise<void> {
  const tombstones = feed.deletedEntries ?? [];
  if (tombstones.length === 0) return;
  const done = await ctx.seenEntries.unchanged(
    sourceId,
    tombstones.map(({ ref }) => ({ key: ref, digest: DELETED_DIGEST })),
  );
  for (const [i, { ref, when }] of tombstones.entries()) {
    if (done[i]) continue;
    const at = when && !Number.isNaN(Date.parse(when)) ? new Date(when).toISOString() : new Date(ctx.clock.now()).toISOString();
    await ctx.queues.enqueueRetraction({ event: 'item.retracted', sourceId, guid: ref, at }, hashEntry(ref));
    await ctx.seenEntries.remember(sourceId, ref, DELETED_DIGEST, ctx.clock.now());
  }
}

/**
 * Decodes and parses a feed document in the sandbox, under its deadline and the caps. A document the sandbox gave
 * up (too slow, too big in memory, too deep) is remembered by its digest on the source status, so that neither the
 * job's retry nor the next poll reads the same bytes again: they fail at once with the same code until they change.
 */
async function readFeedInSandbox(
  ctx: IngestDeps,
  sourceId: string,
  { body, contentType, documentUrl, fetchedAt }: { body: Buffer; contentType: string | undefined; documentUrl: string; fetchedAt: string },
  source: Pick<SourceConfig, 'format' | 'listing' | 'fullText'> | null,
  dates: DateReadingOptions,
) {
  const digest = createHash('sha256').update(body).digest('base64url');
  const refused = await ctx.sourceStatus.refusedDocument(sourceId);
  if (refused?.digest === digest) {
    throw new SyndicateError(refused.code as ErrorCode, `${refused.message} (the same document again: not read until it changes)`, {
      details: { overrun: 'remembered' },
    });
  }
  const limits = ctx.config.limits;
  try {
    const read = await ctx.sandbox.run('readDocument', {
      body,
      contentType,
      location: documentUrl,
      caps: documentCaps(limits),
      maxEntries: limits.maxEntriesPerFetch,
      fullText: source?.fullText ?? 'auto',
      accept: 'feed',
      source: source ? { format: source.format, listing: source.listing } : null,
      dates,
      now: Date.parse(fetchedAt),
    });
    if (read.kind !== 'feed') throw new SyndicateError('SYN_ERR_PARSE_FAILED', 'not a feed');
    return read;
  } catch (err) {
    if (isOverrun(err)) {
      const error = err as SyndicateError;
      await ctx.sourceStatus.rememberRefusedDocument(sourceId, {
        digest,
        code: error.code,
        message: error.message,
        at: new Date(ctx.clock.now()).toISOString(),
      });
    }
    throw err;
  }
}

/**
 * Completes one entry from its article page when it needs it; counts the outcome in `pages`, which the document's
 * ingest records on the source status once.
 */
async function completeFromPage(
  ctx: IngestDeps,
  sourceId: string,
  entry: FeedEntry,
  decision: FullTextDecision,
  credentials: RequestCredentials | undefined,
  rules: CleanupRules,
  pages: FullTextTally,
): Promise<FeedEntry> {
  const outcome = await fetchFullText(ctx, ctx.politeness, entry, decision, credentials, rules);
  if (outcome.fetched) pages.fetched++;
  if (outcome.error) {
    pages.errors++;
    pages.lastError = { code: outcome.error.code, message: outcome.error.message, at: new Date(ctx.clock.now()).toISOString(), url: entry.link ?? null };
    ctx.logger.warn({ sourceId, code: outcome.error.code, err: outcome.error.message, url: entry.link }, 'article page unusable: entry kept with its summary');
  }
  return outcome.entry;
}

/**
 * A source whose URL answered with an HTML page: its feed is discovered (`discoverFeed`: the page's feed links in
 * document order, else the usual paths, each probe through the guard, caps and politeness), stored as the source's
 * URL (the page becomes its home page unless one is set), and the candidates kept in the status. A source with a
 * request profile moves only to a feed on a host its profile covers, so a page cannot send its secrets elsewhere.
 * Null when the source changed meanwhile.
 */
async function adoptDiscoveredFeed(
  ctx: FetchDeps,
  sourceId: string,
  url: string,
  page: FetchResult,
  slots: RequestSlots,
  credentials: RequestCredentials | undefined,
): Promise<SourceConfig | null> {
  const probe = (candidate: string) => httpFetch(candidate, { ...fetchLimits(ctx.config, ctx.guard), beforeRequest: (hop) => slots.before(hop), credentials });
  const discovery = await discoverFeed(page, probe, { sandbox: ctx.sandbox, caps: documentCaps(ctx.config.limits) });
  await slots.release();
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source || source.url !== url) return null;
  const allowed = credentials ? discovery.candidates.filter((c) => Object.keys(headersFor(c.url, credentials)).length > 0) : discovery.candidates;
  const feed = allowed.includes(discovery.feed) ? discovery.feed : (allowed.find((c) => c.type !== 'unknown') ?? allowed[0]);
  if (!feed)
    throw new SyndicateError(
      'SYN_ERR_NO_FEED_FOUND',
      `${page.url} names feeds only on hosts its request profile does not cover (${discovery.candidates.map((c) => c.url).join(', ')}): name their host in request.hosts, or set the feed URL`,
    );
  await assertUrlStorable(feed.url, ctx.guard.allow);
  const moved: SourceConfig = { ...source, url: feed.url, homepage: source.homepage ?? discovery.page };
  await ctx.catalog.put('sources', moved);
  const at = new Date(ctx.clock.now()).toISOString();
  await ctx.sourceStatus.recordDiscovery(sourceId, { page: discovery.page, feed: feed.url, candidates: discovery.candidates, at });
  ctx.logger.info(
    { sourceId, page: discovery.page, feed: feed.url, candidates: discovery.candidates.length },
    'home page: feed discovered, stored URL updated',
  );
  return moved;
}

/**
 * Applies the redirect rule (`decideRedirect`): a permanent redirect seen on consecutive fetches moves the stored
 * URL in the catalog, logged and recorded as the status's `redirect`.
 */
async function followPermanentRedirect(ctx: FetchDeps, sourceId: string, url: string, response: FetchResult, previous: Previous): Promise<void> {
  const decision = decideRedirect(response.redirects, previous.poll.permanentRedirect);
  await ctx.sourceStatus.rememberRedirect(sourceId, decision.memory);
  if (!decision.moveTo) return;
  const source = await ctx.catalog.get('sources', sourceId);
  if (!source || source.url !== url) return;
  await ctx.catalog.put('sources', { ...source, url: decision.moveTo });
  await ctx.sourceStatus.recordRedirect(sourceId, url, decision.moveTo, new Date(ctx.clock.now()).toISOString());
  ctx.logger.info({ sourceId, from: url, to: decision.moveTo }, 'source moved permanently: stored URL updated');
}
