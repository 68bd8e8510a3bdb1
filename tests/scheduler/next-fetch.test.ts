import { describe, expect, it } from 'vitest';
import { DAY_MS, JITTER, MINUTE_MS, decideRedirect, freshnessFromHeaders, planNextPoll, type PollObservation } from '../../src/scheduler/next-fetch.js';
import { syndicationPeriodMinutes } from '../../src/content/syndication-period.js';

const mid = () => 0.5; // no jitter
const base = 5 * MINUTE_MS;

describe('planNextPoll', () => {
  it('keeps the base interval while a feed brings some new entries', () => {
    expect(planNextPoll({ baseMs: base, newEntries: 2, entries: 20 }, mid)).toEqual({ intervalMs: base, delayMs: base });
  });

  it('stretches a quiet feed 1.5× per quiet fetch, up to 8× the base', () => {
    let previous = base;
    for (let i = 0; i < 10; i++) previous = planNextPoll({ baseMs: base, previousIntervalMs: previous, newEntries: 0, entries: 20 }, mid).intervalMs;
    expect(previous).toBe(8 * base);
    expect(planNextPoll({ baseMs: base, previousIntervalMs: base, newEntries: 0 }, mid).intervalMs).toBe(1.5 * base);
  });

  it('returns to the base rhythm as soon as entries arrive again', () => {
    expect(planNextPoll({ baseMs: base, previousIntervalMs: 8 * base, newEntries: 1, entries: 10 }, mid).intervalMs).toBe(base);
  });

  it('halves the base when every entry is new (we may be missing some), never below 1 min', () => {
    expect(planNextPoll({ baseMs: base, newEntries: 10, entries: 10 }, mid).intervalMs).toBe(base / 2);
    expect(planNextPoll({ baseMs: MINUTE_MS, newEntries: 10, entries: 10 }, mid).intervalMs).toBe(MINUTE_MS);
  });

  it('honours <ttl> and max-age/Expires as floors, within 24 h', () => {
    expect(planNextPoll({ baseMs: base, newEntries: 1, entries: 9, ttlMinutes: 60 }, mid).intervalMs).toBe(60 * MINUTE_MS);
    expect(planNextPoll({ baseMs: base, newEntries: 1, entries: 9, freshnessMs: 30 * MINUTE_MS }, mid).intervalMs).toBe(30 * MINUTE_MS);
    expect(planNextPoll({ baseMs: base, newEntries: 1, entries: 9, ttlMinutes: 10_000 }, mid).intervalMs).toBe(DAY_MS);
  });

  it('backs off exponentially on errors, capped at 24 h, and keeps probing', () => {
    const delays = [1, 2, 3, 4].map((n) => planNextPoll({ baseMs: base, consecutiveErrors: n }, mid).intervalMs);
    expect(delays).toEqual([base, 2 * base, 4 * base, 8 * base]);
    expect(planNextPoll({ baseMs: base, consecutiveErrors: 1000 }, mid)).toEqual({ intervalMs: DAY_MS, delayMs: DAY_MS });
  });

  it('uses Retry-After as a floor: a draw below it is mirrored above it', () => {
    expect(planNextPoll({ baseMs: base, consecutiveErrors: 1, retryAfterMs: 3_600_000 }, mid).delayMs).toBe(3_600_000);
    expect(planNextPoll({ baseMs: base, consecutiveErrors: 1, retryAfterMs: 3_600_000 }, () => 0).delayMs).toBe(3_960_000);
  });

  it('jitters by ±10 % and allows configured intervals below 1 min', () => {
    expect(planNextPoll({ baseMs: base, newEntries: 1, entries: 9 }, () => 0).delayMs).toBe(base * 0.9);
    expect(planNextPoll({ baseMs: base, newEntries: 1, entries: 9 }, () => 1).delayMs).toBe(base * 1.1);
    expect(planNextPoll({ baseMs: 200, newEntries: 1, entries: 9 }, mid).delayMs).toBe(200);
  });
});

describe('freshnessFromHeaders', () => {
  const now = Date.parse('2025-06-10T09:00:00Z');
  it('prefers max-age to Expires and ignores no-cache', () => {
    expect(freshnessFromHeaders({ 'cache-control': 'public, max-age=600', expires: 'Tue, 10 Jun 2025 10:00:00 GMT' }, now)).toBe(600_000);
    expect(freshnessFromHeaders({ expires: 'Tue, 10 Jun 2025 10:00:00 GMT' }, now)).toBe(3_600_000);
    expect(freshnessFromHeaders({ 'cache-control': 'no-cache', expires: 'Tue, 10 Jun 2025 10:00:00 GMT' }, now)).toBeNull();
    expect(freshnessFromHeaders({}, now)).toBeNull();
  });
});

describe('decideRedirect', () => {
  const hop = (status: number, to: string) => ({ status, from: 'x', to });
  it('moves the URL only when the same permanent target is seen on consecutive fetches', () => {
    const first = decideRedirect([hop(301, 'https://b/'), hop(308, 'https://c/')], { target: null, seen: 0 });
    expect(first).toEqual({ memory: { target: 'https://c/', seen: 1 }, moveTo: null });
    expect(decideRedirect([hop(301, 'https://b/'), hop(308, 'https://c/')], first.memory).moveTo).toBe('https://c/');
  });
  it('stops at a temporary hop and forgets when the redirect disappears', () => {
    expect(decideRedirect([hop(301, 'https://b/'), hop(302, 'https://c/')], { target: null, seen: 0 }).memory.target).toBe('https://b/');
    expect(decideRedirect([hop(302, 'https://b/')], { target: 'https://b/', seen: 1 })).toEqual({ memory: { target: null, seen: 0 }, moveTo: null });
    expect(decideRedirect([], { target: 'https://b/', seen: 1 }).moveTo).toBeNull();
  });
});

describe('planNextPoll with WebSub', () => {
  it('polls 12× slower as a safety net while pushes arrive', () => {
    expect(planNextPoll({ baseMs: base, newEntries: 1, entries: 9, pushActive: true }, mid).intervalMs).toBe(12 * base);
  });
});

describe("the publisher's floor under jitter", () => {
  /** A seeded generator (mulberry32), so a failure names a reproducible draw. */
  const seeded = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const SAMPLES = 20_000;
  const now = Date.parse('2025-06-10T09:00:00Z');
  const floors: Array<[string, PollObservation, number]> = [
    ['<ttl>2</ttl> over a 90 s base', { baseMs: 90_000, newEntries: 1, entries: 5, ttlMinutes: 2 }, 120_000],
    [
      'max-age=90 over a 60 s base',
      { baseMs: 60_000, newEntries: 1, entries: 5, freshnessMs: freshnessFromHeaders({ 'cache-control': 'max-age=90' }, now) },
      90_000,
    ],
    [
      'Expires in 10 min',
      { baseMs: 5 * MINUTE_MS, newEntries: 0, entries: 5, freshnessMs: freshnessFromHeaders({ expires: 'Tue, 10 Jun 2025 09:10:00 GMT' }, now) },
      10 * MINUTE_MS,
    ],
    [
      'sy:updatePeriod hourly, frequency 2',
      { baseMs: 5 * MINUTE_MS, newEntries: 1, entries: 5, updatePeriodMinutes: syndicationPeriodMinutes('hourly', '2') },
      30 * MINUTE_MS,
    ],
    [
      'sy:updatePeriod hourly, frequency 7 (not whole seconds)',
      { baseMs: MINUTE_MS, newEntries: 1, entries: 5, updatePeriodMinutes: syndicationPeriodMinutes('hourly', '7') },
      Math.ceil((60 / 7) * MINUTE_MS),
    ],
    ['Retry-After 120 s after an error', { baseMs: MINUTE_MS, consecutiveErrors: 1, retryAfterMs: 120_000 }, 120_000],
    ['Retry-After beyond the maximum', { baseMs: MINUTE_MS, consecutiveErrors: 9, retryAfterMs: 2 * DAY_MS }, 2 * DAY_MS],
    ['a floor just under the interval (jitter reaches below it)', { baseMs: 100_000, newEntries: 1, entries: 5, freshnessMs: 95_000 }, 95_000],
  ];

  it.each(floors)('%s: never before the floor over many draws, which still spread', (_name, observation, floor) => {
    const random = seeded(floor);
    const delays = Array.from({ length: SAMPLES }, () => planNextPoll(observation, random).delayMs);
    const earliest = Math.min(...delays);
    const latest = Math.max(...delays);
    expect(earliest).toBeGreaterThanOrEqual(floor);
    // Jitter still spreads the polls (over about 10 % of the interval), rather than piling them on the floor.
    expect(latest - earliest).toBeGreaterThan(floor * JITTER * 0.9);
    expect(delays.filter((d) => d === floor).length).toBeLessThan(SAMPLES / 100);
  });

  it('leaves the ±10 % spread alone when no floor binds', () => {
    const random = seeded(7);
    const delays = Array.from({ length: SAMPLES }, () => planNextPoll({ baseMs: base, newEntries: 1, entries: 9 }, random).delayMs);
    expect(Math.min(...delays)).toBeLessThan(base * 0.91);
    expect(Math.max(...delays)).toBeGreaterThan(base * 1.09);
  });

  it('cuts a <ttl> or sy: period above the maximum down to the maximum', () => {
    expect(planNextPoll({ baseMs: base, newEntries: 1, entries: 9, updatePeriodMinutes: syndicationPeriodMinutes('weekly', null) }, () => 0).delayMs).toBe(
      DAY_MS,
    );
  });
});

describe('syndicationPeriodMinutes', () => {
  it("divides the period by the frequency, with the module's defaults (daily, 1)", () => {
    expect(syndicationPeriodMinutes('hourly', '1')).toBe(60);
    expect(syndicationPeriodMinutes(' Daily ', '4')).toBe(360);
    expect(syndicationPeriodMinutes('weekly', null)).toBe(10_080);
    expect(syndicationPeriodMinutes(null, '2')).toBe(720);
  });
  it('ignores what it cannot read', () => {
    expect(syndicationPeriodMinutes(null, null)).toBeNull();
    expect(syndicationPeriodMinutes('fortnightly', '1')).toBeNull();
    expect(syndicationPeriodMinutes('hourly', '0')).toBeNull();
    expect(syndicationPeriodMinutes('hourly', 'often')).toBeNull();
  });
});

describe("the publisher's floor after a failure", () => {
  it("keeps the feed's <ttl> and sy: period as floors while backing off", () => {
    expect(planNextPoll({ baseMs: base, consecutiveErrors: 1, ttlMinutes: 60 }, () => 0).delayMs).toBeGreaterThanOrEqual(60 * MINUTE_MS);
    expect(planNextPoll({ baseMs: base, consecutiveErrors: 1, updatePeriodMinutes: 30 }, mid).delayMs).toBe(30 * MINUTE_MS);
    // and the backoff takes over once it is the longer wait
    expect(planNextPoll({ baseMs: base, consecutiveErrors: 6, ttlMinutes: 60 }, mid).delayMs).toBe(32 * base);
  });
});
