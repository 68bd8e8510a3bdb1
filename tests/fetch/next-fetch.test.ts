import { describe, expect, it } from 'vitest';
import { DAY_MS, MINUTE_MS, decideRedirect, freshnessFromHeaders, planNextPoll } from '../../src/scheduler/next-fetch.js';

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

  it('uses Retry-After as a floor', () => {
    expect(planNextPoll({ baseMs: base, consecutiveErrors: 1, retryAfterMs: 3_600_000 }, () => 0).delayMs).toBe(3_600_000);
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
