import { describe, expect, it } from 'vitest';
import { classifyResponse, fitPayload, orderDecision, rateInterval, shouldDisable } from '../../src/deliver/policy.js';
import { jittered, postponeDelay } from '../../src/queues/postpone.js';
import { retryDelay } from '../../src/deliver/retry-schedule.js';

const NOW = Date.parse('2025-06-10T09:00:00Z');

describe('delivery policy (pure)', () => {
  it('classifies answers: only 2xx succeeds, 410 is gone, 429/503 with Retry-After throttle', () => {
    expect(classifyResponse(204, undefined, NOW, 1e6)).toEqual({ kind: 'delivered' });
    expect(classifyResponse(301, undefined, NOW, 1e6)).toEqual({ kind: 'failed' });
    expect(classifyResponse(410, undefined, NOW, 1e6)).toEqual({ kind: 'gone' });
    expect(classifyResponse(429, '2', NOW, 1e6)).toEqual({ kind: 'throttled', delayMs: 2000 });
    expect(classifyResponse(503, '3', NOW, 1e6)).toEqual({ kind: 'throttled', delayMs: 3000 });
    expect(classifyResponse(429, undefined, NOW, 1e6)).toEqual({ kind: 'failed' });
    expect(classifyResponse(500, '5', NOW, 1e6)).toEqual({ kind: 'failed' });
    // The endpoint's wish is capped: a year of Retry-After pauses it for the configured maximum only.
    expect(classifyResponse(429, '31536000', NOW, 60_000)).toEqual({ kind: 'throttled', delayMs: 60_000 });
  });

  it('disables after the configured period of continuous failure only', () => {
    expect(shouldDisable(null, NOW, 1000)).toBe(false);
    expect(shouldDisable(NOW - 999, NOW, 1000)).toBe(false);
    expect(shouldDisable(NOW - 1000, NOW, 1000)).toBe(true);
  });

  it('slims an event above the payload limit to id, url and title', () => {
    const body = JSON.stringify({ type: 'item.published', timestamp: 't', data: { id: 's1', url: 'https://x/1', title: 'T', contentHtml: 'x'.repeat(500) } });
    expect(fitPayload(body, 10_000)).toEqual({ body, slim: false });
    const slim = fitPayload(body, 200);
    expect(slim.slim).toBe(true);
    expect(JSON.parse(slim.body)).toEqual({ type: 'item.published', timestamp: 't', slim: true, data: { id: 's1', url: 'https://x/1', title: 'T' } });
  });

  it('orders later events behind their published event', () => {
    expect(orderDecision('unknown')).toBe('proceed');
    expect(orderDecision('completed')).toBe('proceed');
    expect(orderDecision('failed')).toBe('blocked');
    for (const state of ['waiting', 'delayed', 'active', 'prioritized']) expect(orderDecision(state)).toBe('wait');
  });

  it('spaces rate-limited starts so that no second holds more than the limit, also below one per second', () => {
    expect(rateInterval(10)).toBe(100);
    expect(rateInterval(0.2)).toBe(5000);
    expect(rateInterval(3)).toBe(334);
    for (const perSecond of [1, 3, 7, 2.5, 30]) expect(Math.ceil(1000 / rateInterval(perSecond))).toBeLessThanOrEqual(Math.ceil(perSecond));
  });

  it('spreads retries over the schedule with jitter, staying on the last step', () => {
    const schedule = [5_000, 300_000];
    expect(retryDelay(schedule, 1, 0.2, () => 0.5)).toBe(5_000);
    expect(retryDelay(schedule, 1, 0.2, () => 0)).toBe(4_000);
    expect(retryDelay(schedule, 5, 0.2, () => 1)).toBe(360_000);
    expect(jittered(100, () => 0)).toBe(50);
    expect(jittered(100, () => 1)).toBe(150);
    expect(postponeDelay(100, 0, 2000, () => 0.5)).toBe(100);
    expect(postponeDelay(100, 2, 2000, () => 0.5)).toBe(225);
    expect(postponeDelay(100, 50, 2000, () => 0.5)).toBe(2000);
  });
});
