import type { ChainableCommander, Redis } from 'ioredis';
import { numberField } from '../redis/hash-fields.js';
import type { RedisKeys } from '../redis/keys.js';
import { scanKeys } from '../redis/server-memory.js';
import { escapeRegExp } from '../core/regexp.js';

/**
 * The fetch status of one source, as the API, the CLI and the status page show it (`GET /api/v1/sources`): numbers
 * as numbers, times as ISO 8601 strings, `null` for what has not happened yet. What only the poller needs (HTTP
 * validators, the redirect it is confirming, the feed's own floors) is in {@link PollBookkeeping}, never shown.
 */
export interface SourceStatus {
  /** When the last fetch started. */
  lastFetchAt: string | null;
  /** When the last fetch that succeeded (200 or 304) started. */
  lastSuccessAt: string | null;
  /** HTTP status of the last fetch's answer; null when it got none (timeout, refused address…). */
  httpStatus: number | null;
  /** The last fetch was answered 304 Not Modified. */
  notModified: boolean;
  /** Entries the last fetch read (0 for a 304 or a failure); null before the first fetch. */
  entriesSeen: number | null;
  /** Entries of the last fetch that were new or changed (handed to normalize). */
  newEntries: number;
  /** `SYN_ERR_*` code of the last fetch's failure; null when it succeeded. */
  errorCode: string | null;
  errorMessage: string | null;
  /** Failed fetches in a row; 0 after a success. */
  consecutiveErrors: number;
  /** The source answered 410 Gone: polling stopped until it is put again. */
  gone: boolean;
  goneAt: string | null;
  /** When the next poll is due; null when none is planned (disabled, gone, or not yet scheduled). */
  nextFetchAt: string | null;
  /** The polling interval now in use (adapted from the configured one), in milliseconds. */
  intervalMs: number | null;
  /** The feed's title as last read. */
  feedTitle: string | null;
  /** The WebSub hub the feed names, if any. */
  hubUrl: string | null;
  /** What was wrong with an ill-formed feed that was read leniently; null once it is well-formed. */
  parseWarning: string | null;
  /** Running totals since the source was first fetched. */
  totals: { fetches: number; notModified: number; errors: number; newEntries: number };
  /** Article pages read to complete summary-only entries, and the last that failed. */
  fullText: { fetched: number; errors: number; lastError: { code: string; message: string; at: string | null; url: string | null } | null };
  /** Entries the normalize stage gave up (the sandbox's deadline, memory or depth), and the last one. */
  normalize: { errors: number; lastError: { code: string; message: string; at: string | null; guid: string | null } | null };
  /** The last permanent redirect that moved the source's stored URL. */
  redirect: { from: string; to: string; at: string | null } | null;
  /** Our WebSub subscription at the feed's hub, when the feed names one. */
  websub: { hub: string | null; state: string | null; leaseUntil: string | null; error: string | null } | null;
  /** The last content a hub pushed. */
  lastPush: { at: string; newEntries: number } | null;
  /** How the source writes numeric dates (`03/04/2026`): `dmy` or `mdy`, as its own dates showed; null until one tells. */
  dayOrder: 'dmy' | 'mdy' | null;
  /** The source's URL was a home page: the feed found there (now the source's URL) and every feed it named. */
  discovery: SourceDiscovery | null;
}

/** What feed discovery found on a source's home page. */
export interface SourceDiscovery {
  page: string;
  feed: string;
  candidates: Array<{ url: string; type: 'rss' | 'atom' | 'json' | 'unknown'; title: string | null }>;
  at: string;
}

/** A document's article pages (fetch/full-text): read, failed, and the last failure. */
export interface FullTextTally {
  fetched: number;
  errors: number;
  lastError?: { code: string; message: string; at: string; url: string | null };
}

/** A document the sandbox gave up: the digest of its bytes and the error it was given up with. */
export interface RefusedDocument {
  digest: string;
  code: string;
  message: string;
  at: string;
}

/** What the poller keeps between fetches besides the public status (never shown outside). */
export interface PollBookkeeping {
  /** Epoch ms of the planned poll: the `poll-*` job whose time this is, is the source's current chain. */
  nextFetchAtMs: number | null;
  intervalMs: number | null;
  /** The feed's `<ttl>` and `sy:updatePeriod` as last read (floors of the interval, kept through failures). */
  feedTtlMinutes: number | null;
  feedUpdatePeriodMinutes: number | null;
  /** Validators for the next conditional GET. */
  etag: string | null;
  lastModified: string | null;
  /** A permanent redirect being confirmed, and on how many fetches in a row it was seen. */
  permanentRedirect: { target: string | null; seen: number };
}

/** The planned poll, as a fetch writes it. */
export interface PlannedPoll {
  at: number;
  intervalMs: number;
}

/** What a successful fetch (200 or 304) records. */
export interface FetchSuccess {
  at: string;
  httpStatus: number;
  notModified: boolean;
  /** What the feed said (absent for a 304, which read nothing). */
  feed?: {
    title: string | null;
    ttlMinutes: number | null;
    updatePeriodMinutes: number | null;
    hubUrl: string | null;
    entries: number;
    newEntries: number;
    parseWarning: string | null;
  };
  /** The answer's validators; absent ones keep the previous. */
  etag?: string | null;
  lastModified?: string | null;
  next: PlannedPoll;
}

/** What a failed fetch records. */
export interface FetchFailure {
  at: string;
  httpStatus: number | null;
  code: string;
  message: string;
  consecutiveErrors: number;
  /** Absent when planning the next poll failed too (the reconcile pass restarts the chain). */
  next?: PlannedPoll;
}

/** A change of our WebSub subscription's state, as the source status shows it (absent fields are left as they are). */
export interface WebSubStatusChange {
  hub?: string;
  state?: 'pending' | 'active' | 'denied' | 'failed';
  leaseUntil?: number;
  /** The last problem (empty string clears it). */
  error?: string;
}

type Hash = Record<string, string | undefined>;

const text = (value: string | undefined): string | null => (value ? value : null);
const count = (value: string | undefined): number => numberField(value) ?? 0;
const isoFromMs = (value: string | undefined): string | null => {
  const ms = numberField(value);
  return ms === null ? null : new Date(ms).toISOString();
};

/** The public status of a stored hash (fields as the fetch stage has always written them). */
function statusOf(hash: Hash): SourceStatus {
  const fullTextError = hash.fullTextErrorCode
    ? { code: hash.fullTextErrorCode, message: hash.fullTextErrorMessage ?? '', at: text(hash.fullTextErrorAt), url: text(hash.fullTextErrorUrl) }
    : null;
  const websub =
    hash.websubHub || hash.websubState || hash.websubError
      ? { hub: text(hash.websubHub), state: text(hash.websubState), leaseUntil: text(hash.websubLeaseUntil), error: text(hash.websubError) }
      : null;
  return {
    lastFetchAt: text(hash.lastFetchAt),
    lastSuccessAt: text(hash.lastSuccessAt),
    httpStatus: numberField(hash.httpStatus),
    notModified: hash.notModified === '1',
    entriesSeen: numberField(hash.entriesSeen),
    newEntries: count(hash.newEntries),
    errorCode: text(hash.errorCode),
    errorMessage: text(hash.errorMessage),
    consecutiveErrors: count(hash.consecutiveErrors),
    gone: hash.gone === '1',
    goneAt: hash.gone === '1' ? text(hash.goneAt) : null,
    nextFetchAt: isoFromMs(hash.nextFetchAt),
    intervalMs: numberField(hash.currentInterval),
    feedTitle: text(hash.feedTitle),
    hubUrl: text(hash.hubUrl),
    parseWarning: text(hash.parseWarning),
    totals: {
      fetches: count(hash.totalFetches),
      notModified: count(hash.totalNotModified),
      errors: count(hash.totalErrors),
      newEntries: count(hash.totalNewEntries),
    },
    fullText: { fetched: count(hash.fullTextFetched), errors: count(hash.fullTextErrors), lastError: fullTextError },
    normalize: {
      errors: count(hash.normalizeErrors),
      lastError: hash.normalizeErrorCode
        ? { code: hash.normalizeErrorCode, message: hash.normalizeErrorMessage ?? '', at: text(hash.normalizeErrorAt), guid: text(hash.normalizeErrorGuid) }
        : null,
    },
    redirect: hash.redirectedFrom && hash.redirectedTo ? { from: hash.redirectedFrom, to: hash.redirectedTo, at: text(hash.redirectedAt) } : null,
    websub,
    lastPush: hash.lastPushAt ? { at: hash.lastPushAt, newEntries: count(hash.lastPushNewEntries) } : null,
    dayOrder: dayOrderOf(hash.dayOrder),
    discovery: hash.discovery ? (JSON.parse(hash.discovery) as SourceDiscovery) : null,
  };
}

const dayOrderOf = (value: string | null | undefined): 'dmy' | 'mdy' | null => (value === 'dmy' || value === 'mdy' ? value : null);

function bookkeepingOf(hash: Hash): PollBookkeeping {
  return {
    nextFetchAtMs: numberField(hash.nextFetchAt),
    intervalMs: numberField(hash.currentInterval) || null,
    feedTtlMinutes: numberField(hash.feedTtl) || null,
    feedUpdatePeriodMinutes: numberField(hash.feedUpdatePeriod) || null,
    etag: text(hash.etag),
    lastModified: text(hash.lastModified),
    permanentRedirect: { target: text(hash.permanentRedirectTarget), seen: count(hash.permanentRedirectSeen) },
  };
}

const plannedFields = (next: PlannedPoll) => ({ nextFetchAt: next.at, currentInterval: next.intervalMs });

/**
 * The source status store: the one module that reads and writes a source's status hash (`keys.sourceStatus`),
 * in the manner of Miniflux's `model.Feed` saved by its storage: typed in ({@link FetchSuccess},
 * {@link FetchFailure}…), typed out ({@link SourceStatus} for people, {@link PollBookkeeping} for the poller).
 * The fetch stage records its outcomes; the scheduler plans and revives polls; the WebSub callback records pushes;
 * the catalog operations (API, CLI, status page) read it.
 */
export class SourceStatusStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: RedisKeys,
  ) {}

  /**
   * Ids of every source with any state of its own in Redis (status, seen entries, WebSub subscription): what the
   * start-up pass compares with the catalog to forget removed sources' state.
   */
  async idsWithState(): Promise<string[]> {
    const shape = new RegExp(`^${escapeRegExp(this.keys.prefix)}:source:(.+):(?:status|seen|seen-at|websub)$`);
    const keys = await scanKeys(this.redis, `${this.keys.prefix}:source:*`);
    return [...new Set(keys.map((key) => shape.exec(key)?.[1]).filter((id): id is string => id !== undefined))];
  }

  /** Forgets a removed source's status and bookkeeping. */
  async forget(sourceId: string): Promise<void> {
    await this.redis.del(this.keys.sourceStatus(sourceId));
  }

  /** The public status of a source (every field null or zero before its first fetch). */
  async get(sourceId: string): Promise<SourceStatus> {
    return statusOf(await this.redis.hgetall(this.keys.sourceStatus(sourceId)));
  }

  /** The statuses of several sources, in their order, in one round trip. */
  async list(sourceIds: string[]): Promise<SourceStatus[]> {
    if (!sourceIds.length) return [];
    const pipeline = this.redis.pipeline();
    for (const id of sourceIds) pipeline.hgetall(this.keys.sourceStatus(id));
    const rows = (await pipeline.exec()) ?? [];
    return rows.map(([err, hash]) => {
      if (err) throw err;
      return statusOf(hash as Hash);
    });
  }

  /** The status and the poller's bookkeeping of a source, read at once (what a fetch starts from). */
  async load(sourceId: string): Promise<{ status: SourceStatus; poll: PollBookkeeping }> {
    const hash = await this.redis.hgetall(this.keys.sourceStatus(sourceId));
    return { status: statusOf(hash), poll: bookkeepingOf(hash) };
  }

  /** A 200 or 304: the error streak resets, `gone` clears (a re-added source revives), the next poll is recorded. */
  async recordSuccess(sourceId: string, success: FetchSuccess, previous: PollBookkeeping): Promise<void> {
    const key = this.keys.sourceStatus(sourceId);
    const { feed } = success;
    // What this fetch did, not what the last 200 did: a 304 saw no entries and brought none.
    const read = feed
      ? {
          feedTitle: feed.title ?? '',
          feedTtl: feed.ttlMinutes ?? '',
          feedUpdatePeriod: feed.updatePeriodMinutes ?? '',
          hubUrl: feed.hubUrl ?? '',
          entriesSeen: feed.entries,
          newEntries: feed.newEntries,
          parseWarning: feed.parseWarning ?? '',
        }
      : { entriesSeen: 0, newEntries: 0 };
    const transaction = this.redis.multi().hset(key, {
      ...read,
      notModified: success.notModified ? 1 : '',
      lastFetchAt: success.at,
      lastSuccessAt: success.at,
      httpStatus: success.httpStatus,
      etag: success.etag ?? previous.etag ?? '',
      lastModified: success.lastModified ?? previous.lastModified ?? '',
      errorCode: '',
      errorMessage: '',
      consecutiveErrors: 0,
      gone: '',
      ...plannedFields(success.next),
    });
    // Running totals beside the last fetch's own figures, in the same transaction so a reader sees both agree.
    countFetch(transaction, key, success.notModified ? 'totalNotModified' : null, feed?.newEntries ?? 0);
    await transaction.exec();
  }

  /** A failed fetch: the error and its streak, and the next poll when one could be planned. */
  async recordError(sourceId: string, failure: FetchFailure): Promise<void> {
    const key = this.keys.sourceStatus(sourceId);
    const transaction = this.redis.multi().hset(key, {
      lastFetchAt: failure.at,
      httpStatus: failure.httpStatus ?? '',
      errorCode: failure.code,
      errorMessage: failure.message,
      consecutiveErrors: failure.consecutiveErrors,
      // A failed fetch saw no entries either.
      entriesSeen: 0,
      newEntries: 0,
      notModified: '',
      gone: '',
      ...(failure.next ? plannedFields(failure.next) : {}),
    });
    countFetch(transaction, key, 'totalErrors', 0);
    await transaction.exec();
  }

  /** A 410 Gone: polling stops (no next poll) until an operator puts the source again ({@link scheduleFetch}). */
  async markGone(sourceId: string, at: string, message: string): Promise<void> {
    await this.redis.hset(this.keys.sourceStatus(sourceId), {
      lastFetchAt: at,
      httpStatus: 410,
      entriesSeen: 0,
      newEntries: 0,
      notModified: '',
      gone: 1,
      goneAt: at,
      errorCode: 'SYN_ERR_FETCH_GONE',
      errorMessage: message,
      nextFetchAt: '',
    });
  }

  /** Remembers the permanent redirect being confirmed (see scheduler/next-fetch.ts `decideRedirect`). */
  async rememberRedirect(sourceId: string, memory: PollBookkeeping['permanentRedirect']): Promise<void> {
    await this.redis.hset(this.keys.sourceStatus(sourceId), { permanentRedirectTarget: memory.target ?? '', permanentRedirectSeen: memory.seen });
  }

  /** Records that a confirmed permanent redirect moved the source's stored URL. */
  async recordRedirect(sourceId: string, from: string, to: string, at: string): Promise<void> {
    await this.redis.hset(this.keys.sourceStatus(sourceId), { redirectedFrom: from, redirectedTo: to, redirectedAt: at });
  }

  /**
   * Records a document's article pages: how many were read and how many failed (their entries kept their summary),
   * and the last failure. One write per document, not per page.
   */
  async recordFullText(sourceId: string, tally: FullTextTally): Promise<void> {
    if (!tally.fetched && !tally.errors) return;
    const key = this.keys.sourceStatus(sourceId);
    const transaction = this.redis.multi();
    if (tally.fetched) transaction.hincrby(key, 'fullTextFetched', tally.fetched);
    const error = tally.lastError;
    if (tally.errors) transaction.hincrby(key, 'fullTextErrors', tally.errors);
    if (error) {
      transaction.hset(key, {
        fullTextErrorCode: error.code,
        fullTextErrorMessage: error.message,
        fullTextErrorAt: error.at,
        fullTextErrorUrl: error.url ?? '',
      });
    }
    await transaction.exec();
  }

  /** The day order the source's numeric dates showed (null until one told). */
  async dayOrder(sourceId: string): Promise<'dmy' | 'mdy' | null> {
    return dayOrderOf(await this.redis.hget(this.keys.sourceStatus(sourceId), 'dayOrder'));
  }

  /** Records the day order a document's numeric dates showed. */
  async recordDayOrder(sourceId: string, order: 'dmy' | 'mdy'): Promise<void> {
    await this.redis.hset(this.keys.sourceStatus(sourceId), { dayOrder: order });
  }

  /** Records a feed discovered on the source's home page, with every candidate the page named. */
  async recordDiscovery(sourceId: string, discovery: SourceDiscovery): Promise<void> {
    await this.redis.hset(this.keys.sourceStatus(sourceId), { discovery: JSON.stringify(discovery) });
  }

  /** Counts an entry the normalize stage gave up, kept as the last normalize error. */
  async recordNormalizeError(sourceId: string, error: { code: string; message: string; at: string; guid: string | null }): Promise<void> {
    const key = this.keys.sourceStatus(sourceId);
    await this.redis
      .multi()
      .hincrby(key, 'normalizeErrors', 1)
      .hset(key, { normalizeErrorCode: error.code, normalizeErrorMessage: error.message, normalizeErrorAt: error.at, normalizeErrorGuid: error.guid ?? '' })
      .exec();
  }

  /**
   * Remembers a document the sandbox gave up, by the digest of its bytes: the same bytes are refused at once with
   * the same code (by the job's retry, the next poll, a push) until the source sends others.
   */
  async rememberRefusedDocument(sourceId: string, refused: RefusedDocument): Promise<void> {
    await this.redis.hset(this.keys.sourceStatus(sourceId), {
      refusedDigest: refused.digest,
      refusedCode: refused.code,
      refusedMessage: refused.message,
      refusedAt: refused.at,
    });
  }

  /** The document last given up, if any (see {@link rememberRefusedDocument}). */
  async refusedDocument(sourceId: string): Promise<RefusedDocument | null> {
    const [digest, code, message, at] = await this.redis.hmget(this.keys.sourceStatus(sourceId), 'refusedDigest', 'refusedCode', 'refusedMessage', 'refusedAt');
    return digest && code ? { digest, code, message: message ?? '', at: at ?? '' } : null;
  }

  /** Records what happened to our WebSub subscription (requested, verified, denied, failed, a bad push). */
  async recordWebSub(sourceId: string, change: WebSubStatusChange): Promise<void> {
    const fields: Record<string, string> = {};
    if (change.hub !== undefined) fields.websubHub = change.hub;
    if (change.state !== undefined) fields.websubState = change.state;
    if (change.leaseUntil !== undefined) fields.websubLeaseUntil = new Date(change.leaseUntil).toISOString();
    if (change.error !== undefined) fields.websubError = change.error;
    if (Object.keys(fields).length) await this.redis.hset(this.keys.sourceStatus(sourceId), fields);
  }

  /** Records content a hub pushed and how many of its entries were new (added to the running total too). */
  async recordPush(sourceId: string, at: string, newEntries: number): Promise<void> {
    const key = this.keys.sourceStatus(sourceId);
    const transaction = this.redis.multi().hset(key, { lastPushAt: at, lastPushNewEntries: newEntries });
    if (newEntries) transaction.hincrby(key, 'totalNewEntries', newEntries);
    await transaction.exec();
  }

  /** Forgets the planned poll: the chain of a removed or disabled source ends (reconciling starts a new one). */
  async clearNextFetch(sourceId: string): Promise<void> {
    await this.redis.hdel(this.keys.sourceStatus(sourceId), 'nextFetchAt');
  }

  /** Plans a poll at `at` and clears `gone` (a source put again is revived; it stops again if it still answers 410). */
  async scheduleFetch(sourceId: string, at: number): Promise<void> {
    await this.redis.hset(this.keys.sourceStatus(sourceId), { nextFetchAt: String(at), gone: '' });
  }

  /** Plans the first poll at `at` unless one is planned already (HSETNX); answers whether this call planned it. */
  async startChain(sourceId: string, at: number): Promise<boolean> {
    return (await this.redis.hsetnx(this.keys.sourceStatus(sourceId), 'nextFetchAt', String(at))) === 1;
  }

  /** What the reconcile pass needs of a source: its planned poll (epoch ms) and whether it is gone. */
  async polling(sourceId: string): Promise<{ nextFetchAtMs: number | null; gone: boolean }> {
    const [nextFetchAt, gone] = await this.redis.hmget(this.keys.sourceStatus(sourceId), 'nextFetchAt', 'gone');
    return { nextFetchAtMs: numberField(nextFetchAt), gone: gone === '1' };
  }
}

/** Adds one fetch to a source's running totals (`totalFetches`, the outcome's own counter if any, `totalNewEntries`). */
function countFetch(transaction: ChainableCommander, key: string, outcome: 'totalNotModified' | 'totalErrors' | null, newEntries: number): void {
  transaction.hincrby(key, 'totalFetches', 1);
  if (outcome) transaction.hincrby(key, outcome, 1);
  if (newEntries) transaction.hincrby(key, 'totalNewEntries', newEntries);
}
