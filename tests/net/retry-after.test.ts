import { describe, expect, it } from 'vitest';
import { parseRetryAfter } from '../../src/net/retry-after.js';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-06-10T09:00:00Z');

  it('reads delta seconds and HTTP dates, a past date as now', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 1 ', now)).toBe(1000);
    expect(parseRetryAfter('Tue, 10 Jun 2025 09:01:00 GMT', now)).toBe(60_000);
    expect(parseRetryAfter('Tue, 10 Jun 2025 08:00:00 GMT', now)).toBe(0);
  });

  it('takes the first of repeated headers', () => {
    expect(parseRetryAfter(['30', '600'], now)).toBe(30_000);
  });

  it('answers null for junk or nothing', () => {
    expect(parseRetryAfter('soon', now)).toBeNull();
    expect(parseRetryAfter('', now)).toBeNull();
    expect(parseRetryAfter(undefined, now)).toBeNull();
    expect(parseRetryAfter(null, now)).toBeNull();
  });
});
