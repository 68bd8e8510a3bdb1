import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeedSubscriptionStore } from '../../src/fetch/feed-subscriptions.js';
import { SeenEntries } from '../../src/fetch/seen-entries.js';
import { SourceStatusStore } from '../../src/fetch/source-status.js';
import { redisKeys } from '../../src/redis/keys.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

describe('the fetch stage stores on real Redis: source status, seen entries, our WebSub subscriptions', () => {
  const prefix = uniquePrefix('source-status');
  const keys = redisKeys(prefix);
  let redis: Redis;
  let statuses: SourceStatusStore;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    statuses = new SourceStatusStore(redis, keys);
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  const feed = { title: 'News', ttlMinutes: 30, updatePeriodMinutes: 60, hubUrl: 'https://hub.example/', entries: 10, newEntries: 4, parseWarning: null };

  it('a source never fetched: nothing happened yet, every count zero', async () => {
    const { status, poll } = await statuses.load('never');
    expect(status).toMatchObject({
      lastFetchAt: null,
      httpStatus: null,
      entriesSeen: null,
      consecutiveErrors: 0,
      gone: false,
      nextFetchAt: null,
      totals: { fetches: 0, errors: 0 },
    });
    expect(poll).toEqual({
      nextFetchAtMs: null,
      intervalMs: null,
      feedTtlMinutes: null,
      feedUpdatePeriodMinutes: null,
      etag: null,
      lastModified: null,
      permanentRedirect: { target: null, seen: 0 },
    });
    expect(await statuses.list([])).toEqual([]);
  });

  it('success, 304, failures and a success again: the streak, the totals and the validators as a poller needs them', async () => {
    const next = (at: number, intervalMs = 300_000) => ({ at, intervalMs });
    await statuses.recordSuccess(
      'a',
      {
        at: '2026-12-01T08:00:00.000Z',
        httpStatus: 200,
        notModified: false,
        feed,
        etag: '"e1"',
        lastModified: 'Tue, 01 Dec 2026 07:00:00 GMT',
        next: next(1_800_000_000_000),
      },
      (await statuses.load('a')).poll,
    );
    // A 304 without validators keeps the previous ones, reads nothing, and counts as not modified.
    await statuses.recordSuccess(
      'a',
      { at: '2026-12-01T08:05:00.000Z', httpStatus: 304, notModified: true, next: next(1_800_000_300_000) },
      (await statuses.load('a')).poll,
    );
    let { status, poll } = await statuses.load('a');
    expect(status).toMatchObject({
      httpStatus: 304,
      notModified: true,
      entriesSeen: 0,
      newEntries: 0,
      feedTitle: 'News',
      hubUrl: 'https://hub.example/',
      totals: { fetches: 2, notModified: 1, errors: 0, newEntries: 4 },
    });
    expect(poll).toMatchObject({
      etag: '"e1"',
      lastModified: 'Tue, 01 Dec 2026 07:00:00 GMT',
      feedTtlMinutes: 30,
      feedUpdatePeriodMinutes: 60,
      nextFetchAtMs: 1_800_000_300_000,
      intervalMs: 300_000,
    });
    expect(status.nextFetchAt).toBe(new Date(1_800_000_300_000).toISOString());

    for (const n of [1, 2])
      await statuses.recordError('a', {
        at: `2026-12-01T08:1${n}:00.000Z`,
        httpStatus: n === 1 ? 500 : null,
        code: 'SYN_ERR_FETCH_TIMEOUT',
        message: 'slow',
        consecutiveErrors: n,
      });
    ({ status, poll } = await statuses.load('a'));
    // A failure whose next poll could not be planned leaves the planned one as it was.
    expect(status).toMatchObject({
      httpStatus: null,
      errorCode: 'SYN_ERR_FETCH_TIMEOUT',
      errorMessage: 'slow',
      consecutiveErrors: 2,
      lastSuccessAt: '2026-12-01T08:05:00.000Z',
      totals: { fetches: 4, errors: 2 },
    });
    expect(poll.nextFetchAtMs).toBe(1_800_000_300_000);

    await statuses.recordSuccess(
      'a',
      { at: '2026-12-01T08:30:00.000Z', httpStatus: 200, notModified: false, feed: { ...feed, parseWarning: 'unclosed <rss>' }, next: next(1_800_000_900_000) },
      poll,
    );
    ({ status } = await statuses.load('a'));
    expect(status).toMatchObject({
      errorCode: null,
      errorMessage: null,
      consecutiveErrors: 0,
      parseWarning: 'unclosed <rss>',
      totals: { fetches: 5, newEntries: 8 },
    });
  });

  it('410 stops polling until the source is scheduled again; the reconcile pass starts a chain only once', async () => {
    await statuses.markGone('g', '2026-12-01T09:00:00.000Z', 'answered 410 Gone');
    expect(await statuses.polling('g')).toEqual({ nextFetchAtMs: null, gone: true });
    expect(await statuses.get('g')).toMatchObject({
      gone: true,
      goneAt: '2026-12-01T09:00:00.000Z',
      httpStatus: 410,
      errorCode: 'SYN_ERR_FETCH_GONE',
      nextFetchAt: null,
    });
    await statuses.scheduleFetch('g', 1_800_000_000_000);
    expect(await statuses.polling('g')).toEqual({ nextFetchAtMs: 1_800_000_000_000, gone: false });
    expect((await statuses.get('g')).goneAt).toBeNull();

    expect(await statuses.startChain('chain', 1_800_000_000_000)).toBe(true);
    expect(await statuses.startChain('chain', 1_800_000_999_999)).toBe(false);
    expect((await statuses.polling('chain')).nextFetchAtMs).toBe(1_800_000_000_000);
    await statuses.clearNextFetch('chain');
    expect((await statuses.polling('chain')).nextFetchAtMs).toBeNull();
  });

  it('redirects, full text, WebSub and pushes show as groups; list answers in order', async () => {
    await statuses.rememberRedirect('r', { target: 'https://b.example/feed', seen: 1 });
    expect((await statuses.load('r')).poll.permanentRedirect).toEqual({ target: 'https://b.example/feed', seen: 1 });
    await statuses.recordRedirect('r', 'https://a.example/feed', 'https://b.example/feed', '2026-12-01T10:00:00.000Z');
    await statuses.recordFullText('r', { fetched: 1, errors: 0 });
    await statuses.recordFullText('r', {
      fetched: 1,
      errors: 1,
      lastError: { code: 'SYN_ERR_FETCH_HTTP_STATUS', message: 'answered 500', at: '2026-12-01T10:01:00.000Z', url: 'https://a.example/1' },
    });
    await statuses.recordWebSub('r', { hub: 'https://hub.example/', state: 'pending', error: '' });
    await statuses.recordWebSub('r', { state: 'active', leaseUntil: Date.parse('2026-12-11T10:00:00Z') });
    await statuses.recordPush('r', '2026-12-01T10:02:00.000Z', 3);
    const [r, none] = await statuses.list(['r', 'none']);
    expect(r).toMatchObject({
      redirect: { from: 'https://a.example/feed', to: 'https://b.example/feed', at: '2026-12-01T10:00:00.000Z' },
      fullText: { fetched: 2, errors: 1, lastError: { code: 'SYN_ERR_FETCH_HTTP_STATUS', message: 'answered 500', url: 'https://a.example/1' } },
      websub: { hub: 'https://hub.example/', state: 'active', leaseUntil: '2026-12-11T10:00:00.000Z', error: null },
      lastPush: { at: '2026-12-01T10:02:00.000Z', newEntries: 3 },
      totals: { newEntries: 3 },
    });
    expect(none).toMatchObject({ redirect: null, websub: null, lastPush: null, fullText: { lastError: null } });
  });

  it('seen entries: unchanged only with the same digest, a whole document at once; a TTL as backstop', async () => {
    const seen = new SeenEntries(redis, keys, 600);
    expect(await seen.unchanged('s', [{ key: 'guid-1', digest: 'd1' }])).toEqual([false]);
    expect(await seen.unchanged('s', [])).toEqual([]);
    await seen.remember('s', 'guid-1', 'd1', 1_000);
    expect(
      await seen.unchanged('s', [
        { key: 'guid-1', digest: 'd1' },
        { key: 'guid-1', digest: 'd2' },
        { key: 'guid-2', digest: 'd1' },
      ]),
    ).toEqual([true, false, false]);
    await seen.listed('s', ['guid-1'], 2_000);
    expect(await redis.ttl(keys.sourceSeen('s'))).toBeGreaterThan(590);
    expect(await redis.ttl(keys.sourceSeenAt('s'))).toBeGreaterThan(590);
  });

  it('seen entries: pruned by the time their feed last listed them, never while it lists them', async () => {
    const seen = new SeenEntries(redis, keys, 600);
    await seen.remember('p', 'old', 'd1', 1_000);
    await seen.remember('p', 'kept', 'd2', 1_000);
    await seen.remember('p', 'fresh', 'd3', 4_500);
    // The newest document lists `kept` and `fresh` only; `old` dropped out of the feed.
    await seen.listed('p', ['kept', 'fresh', 'never-remembered'], 5_000);
    expect(await seen.prune('p', 3_000)).toBe(1);
    expect(
      await seen.unchanged('p', [
        { key: 'old', digest: 'd1' },
        { key: 'kept', digest: 'd2' },
      ]),
    ).toEqual([false, true]);
    // Far past the cutoff, but still in the feed (its last document, re-confirmed by a 304): kept.
    await seen.listedAgain('p', 9_000);
    expect(await seen.prune('p', 1_000_000)).toBe(0);
    expect(await redis.zscore(keys.sourceSeenAt('p'), 'kept')).toBe('9000');
    expect(await redis.zscore(keys.sourceSeenAt('p'), 'never-remembered')).toBeNull();
    // A document that no longer lists `kept`: it goes once past the cutoff.
    await seen.remember('p', 'newer', 'd4', 10_000);
    expect(await seen.prune('p', 9_500)).toBe(2);
    expect(await redis.hkeys(keys.sourceSeen('p'))).toEqual(['newer']);
    // Entries remembered before stamps were kept get one, once.
    await redis.hset(keys.sourceSeen('p'), 'legacy', 'd5');
    expect(await seen.adoptUntracked('p', 11_000)).toBe(1);
    expect(await seen.adoptUntracked('p', 12_000)).toBe(0);
    await seen.forget('p');
    expect(await redis.exists(keys.sourceSeen('p'), keys.sourceSeenAt('p'))).toBe(0);
  });

  it('our subscription at a hub: typed, a granted lease kept through a new request', async () => {
    const subscriptions = new FeedSubscriptionStore(redis, keys);
    expect(await subscriptions.get('w')).toBeNull();
    const requested = {
      hub: 'https://hub.example/',
      topic: 'https://a.example/feed',
      secret: 'abc',
      state: 'pending' as const,
      requestedAt: 1_000,
      leaseUntil: null,
      leaseSeconds: null,
    };
    await subscriptions.save('w', requested);
    expect(await subscriptions.get('w')).toEqual(requested);
    await subscriptions.activate('w', 3600, 5_000_000);
    await subscriptions.save('w', { ...requested, state: 'active', requestedAt: 2_000, leaseUntil: 5_000_000, leaseSeconds: 3600 });
    expect(await subscriptions.get('w')).toEqual({ ...requested, state: 'active', requestedAt: 2_000, leaseUntil: 5_000_000, leaseSeconds: 3600 });
    await subscriptions.setState('w', 'denied');
    expect((await subscriptions.get('w'))?.state).toBe('denied');
  });
});
