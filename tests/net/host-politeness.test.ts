import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/core/clock.js';
import { HostPoliteness, RequestSlots } from '../../src/net/host-politeness.js';
import { redisKeys } from '../../src/redis/keys.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

describe('host politeness slots on real Redis, with a pinned clock', () => {
  const prefix = uniquePrefix('host-slots');
  const keys = redisKeys(prefix);
  let redis: Redis;
  // A pinned clock at a realistic time (Redis expiries are absolute).
  const time = Date.now();
  const clock: Clock = { now: () => time };
  const gateWith = (minSpacingMs: number, maxConcurrent = 1) =>
    new HostPoliteness(redis, (host) => ({ state: keys.hostState(`${minSpacingMs}-${host}`), active: keys.hostActive(`${minSpacingMs}-${host}`) }), {
      maxConcurrent,
      minSpacingMs,
      leaseMs: 60_000,
    });

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(prefix);
  });

  it('a redirect hop on the same host takes a slot of its own: the spacing runs from the answer of the hop before', async () => {
    const realClock: Clock = { now: () => Date.now() };
    const gate = gateWith(200);
    expect(await gate.acquire('a', 'job-1', Date.now())).toBe(0);
    const slots = new RequestSlots(gate, realClock, 'job-1', 5_000, 'a');
    await slots.before('http://a/feed'); // the slot taken above: no wait
    await new Promise((resolve) => setTimeout(resolve, 50)); // the 301 comes back 50 ms later
    const answered = Date.now();
    await slots.before('http://a/target');
    expect(Date.now() - answered).toBeGreaterThanOrEqual(200);
    // and the hop holds the slot: with a concurrency of 1 nobody else gets one meanwhile
    expect(await gate.acquire('a', 'job-2', Date.now() + 1_000)).toBeGreaterThan(0);
    await slots.release();
  });

  it('a hop to another host gives the first host its slot back in the same round trip', async () => {
    const gate = gateWith(0);
    expect(await gate.acquire('one', 'job', time)).toBe(0);
    const slots = new RequestSlots(gate, clock, 'job', 5_000, 'one');
    await slots.before('http://one/feed');
    await slots.before('http://two/feed');
    expect(await redis.zcard(keys.hostActive('0-one'))).toBe(0);
    expect(await redis.zscore(keys.hostActive('0-two'), 'job')).not.toBeNull();
    await slots.release();
    expect(await redis.zcard(keys.hostActive('0-two'))).toBe(0);
  });

  it('giving a slot back never shortens a Retry-After pause set meanwhile', async () => {
    const gate = gateWith(1_000);
    expect(await gate.acquire('paused', 'job', time)).toBe(0);
    await gate.pause('paused', time + 3_600_000);
    await gate.release('paused', 'job', time);
    expect(await redis.ttl(keys.hostState('1000-paused'))).toBeGreaterThan(3_500);
    expect(await gate.acquire('paused', 'other', time + 2_000)).toBe(time + 3_600_000);
  });
});
