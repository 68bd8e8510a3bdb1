import { describe, expect, it } from 'vitest';
import { fanoutOrderDecision, handoffFor, planSubscription } from '../../src/deliver/fanout-processor.js';
import { Batcher } from '../../src/deliver/batcher.js';
import { Permit, Permits } from '../../src/deliver/permits.js';
import { signDelivery } from '../../src/deliver/sign.js';
import { Webhook } from 'standardwebhooks';
import { secretFor } from './helpers.js';

const delivery = { retrySchedule: [5000, 60_000], jitter: 0 };
const half = () => 0.5;

describe('fan-out decisions', () => {
  it('plans each subscription: done or owned elsewhere is skipped, a pending published job hands off', () => {
    expect(planSubscription(true, false, false)).toBe('skip');
    expect(planSubscription(false, true, false)).toBe('skip');
    expect(planSubscription(false, false, true)).toBe('handoff');
    expect(planSubscription(false, false, false)).toBe('inline');
  });

  it('lets a later event proceed only once the published fan-out has finished', () => {
    for (const state of ['unknown', 'completed', 'failed']) expect(fanoutOrderDecision(state)).toBe('proceed');
    for (const state of ['waiting', 'delayed', 'active', 'prioritized']) expect(fanoutOrderDecision(state)).toBe('wait');
  });

  it('maps outcomes to hand-offs: failures continue the schedule, refusals spend nothing, 410 is a dead letter', () => {
    expect(handoffFor({ kind: 'delivered' }, delivery, 0)).toBeNull();
    expect(handoffFor({ kind: 'retry' }, delivery, 0, half)).toEqual({ delayMs: 5000, priorAttempts: 1 });
    expect(handoffFor({ kind: 'abandoned' }, delivery, 0)).toEqual({ delayMs: 0, priorAttempts: 0 });
    expect(handoffFor({ kind: 'paused', until: 3000 }, delivery, 1000)).toEqual({ delayMs: 2000, priorAttempts: 0 });
    expect(handoffFor({ kind: 'rate', waitMs: 400 }, delivery, 0, half)).toEqual({ delayMs: 420, priorAttempts: 0 });
    expect(handoffFor({ kind: 'dead', code: 'SYN_ERR_DELIVERY_GONE', message: 'gone' }, delivery, 0)).toEqual({
      delayMs: 0,
      priorAttempts: 1,
      verdict: { code: 'SYN_ERR_DELIVERY_GONE', message: 'gone' },
    });
  });
});

describe('Permits', () => {
  it('bounds holders and hands freed permits to the waiters in arrival order', async () => {
    const permits = new Permits(2);
    const a = await permits.acquire();
    const b = permits.tryAcquire()!;
    expect(permits.tryAcquire()).toBeNull();
    const served: string[] = [];
    const first = permits.acquire().then((p) => (served.push('first'), p));
    const second = permits.acquire().then((p) => (served.push('second'), p));
    a.release();
    a.release(); // a second release is a no-op
    expect(await first).toBeInstanceOf(Permit);
    b.release();
    await second;
    expect(served).toEqual(['first', 'second']);
    expect(permits.inUse).toBe(2);
    // The freed permit went to a waiter, never back to the pool in between.
    expect(permits.tryAcquire()).toBeNull();
  });
});

describe('signDelivery', () => {
  it('signs with native HMAC exactly as the standardwebhooks package verifies, one signature per secret', () => {
    const secrets = [secretFor('one'), secretFor('two')];
    const headers = signDelivery(secrets, 'msg_1', new Date(), '{"a":1}');
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    for (const secret of secrets) expect(() => new Webhook(secret).verify('{"a":1}', headers as unknown as Record<string, string>)).not.toThrow();
  });
});

describe('Batcher', () => {
  it('coalesces calls of one event-loop turn into one batch, each caller getting its own answer', async () => {
    const batches: number[][] = [];
    const batcher = new Batcher<number, number>(async (items) => {
      batches.push(items);
      return items.map((i) => i * 10);
    }, 3);
    const answers = await Promise.all([1, 2, 3, 4, 5].map((i) => batcher.call(i)));
    expect(answers).toEqual([10, 20, 30, 40, 50]);
    // The bound of 3 splits the turn's five calls.
    expect(batches).toEqual([
      [1, 2, 3],
      [4, 5],
    ]);
    const failing = new Batcher<number, number>(async () => Promise.reject(new Error('redis down')));
    await expect(Promise.all([failing.call(1), failing.call(2)])).rejects.toThrow('redis down');
  });
});
