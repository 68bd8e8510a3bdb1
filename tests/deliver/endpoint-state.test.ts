import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubscriptionConfig } from '../../src/config/schema.js';
import { EndpointState } from '../../src/deliver/endpoint-state.js';
import { startTestSystem } from '../support/system.js';
import { CLEANUP_TIMEOUT_MS, secretFor } from './helpers.js';

/**
 * The batch script builds each endpoint's key names itself: they must be the names `RedisKeys` gives, which the
 * API, `enable` and `pause` use. Checked on real Redis, through the state the script leaves behind.
 */
describe('EndpointState: admission and finish in Redis', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let endpoint: EndpointState;
  const subscription = (id: string, extra: Partial<SubscriptionConfig> = {}) =>
    ({ id, url: 'http://127.0.0.1:9/hook', secret: secretFor(id), enabled: true, ...extra }) as SubscriptionConfig;

  beforeAll(async () => {
    system = await startTestSystem('endpoint-state', { delivery: { endpointConcurrency: 2 } }, []);
    endpoint = system.ctx.endpoints;
  });

  afterAll(async () => {
    await system?.cleanup();
  }, CLEANUP_TIMEOUT_MS);

  it('takes leases up to the endpoint concurrency under the RedisKeys name, and a finish frees one and logs', async () => {
    const { redis, keys } = system.ctx;
    const sub = subscription('keys-a');
    const now = Date.now();
    expect(await endpoint.admit(sub, 'lease-1', now)).toEqual({ kind: 'ok' });
    expect(await endpoint.admit(sub, 'lease-2', now)).toEqual({ kind: 'ok' });
    expect(await endpoint.admit(sub, 'lease-3', now)).toEqual({ kind: 'busy', waitMs: 0 });
    expect(await redis.zrange(keys.deliveryLeases('keys-a'), '0', '-1')).toEqual(['lease-1', 'lease-2']);

    expect(await endpoint.finish('keys-a', 'lease-1', '{"n":1}', false, 'SYN_ERR_DELIVERY_FAILED', now, 10)).toEqual({
      failingSince: now,
      recoveredFrom: null,
    });
    expect(await redis.zrange(keys.deliveryLeases('keys-a'), '0', '-1')).toEqual(['lease-2']);
    expect(await redis.lrange(keys.deliveryLog('keys-a'), 0, -1)).toEqual(['{"n":1}']);
    expect(await redis.get(keys.deliveryFailingSince('keys-a'))).toBe(String(now));
    expect(await redis.hget(keys.deliveryStats, 'SYN_ERR_DELIVERY_FAILED')).toBe('1');

    const done = keys.deliveryFanoutDone('event-1');
    expect(await endpoint.finish('keys-a', 'lease-2', '{"n":2}', true, 'delivered', now + 1, 10, done)).toEqual({ failingSince: null, recoveredFrom: null });
    expect(await redis.exists(keys.deliveryFailingSince('keys-a'))).toBe(0);
    expect(await redis.smembers(done)).toEqual(['keys-a']);
    expect(await redis.zcard(keys.deliveryLeases('keys-a'))).toBe(0);

    // After an exhausted delivery, the next success answers when that was (once: the mark goes with it).
    await endpoint.markExhausted('keys-a', now - 5);
    expect(await endpoint.finish('keys-a', 'lease-3', '{"n":3}', true, 'delivered', now + 2, 10)).toEqual({ failingSince: null, recoveredFrom: now - 5 });
    expect(await endpoint.finish('keys-a', 'lease-4', '{"n":4}', true, 'delivered', now + 3, 10)).toEqual({ failingSince: null, recoveredFrom: null });
  });

  it('honours a pause set under the RedisKeys name, and spaces starts of a rate-limited endpoint', async () => {
    const { redis, keys } = system.ctx;
    const now = Date.now();
    await endpoint.pause('keys-b', now + 5_000, now);
    expect(await endpoint.admit(subscription('keys-b'), 'lease-1', now)).toEqual({ kind: 'paused', waitMs: 5_000 });

    const limited = subscription('keys-c', { rateLimit: 4 });
    expect(await endpoint.admit(limited, 'lease-1', now)).toEqual({ kind: 'ok' });
    expect(await redis.get(keys.deliveryNextStart('keys-c'))).toBe(String(now + 250));
    expect(await endpoint.admit(limited, 'lease-2', now + 100)).toEqual({ kind: 'rate', waitMs: 150 });
    expect(await endpoint.admit(limited, 'lease-2', now + 250)).toEqual({ kind: 'ok' });
  });

  it('refuses a subscription the deliver stage disabled', async () => {
    await endpoint.disable('keys-d', 'test', Date.now());
    expect(await endpoint.admit(subscription('keys-d'), 'lease-1', Date.now())).toEqual({ kind: 'disabled' });
  });
});
