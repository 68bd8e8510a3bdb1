import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLEANUP_TIMEOUT_MS,
  enqueueEvent,
  enqueueFanout,
  expectDeliveredAfterThrottle,
  sampleItem,
  secretFor,
  startDeliverRig,
  subscriptionsAt,
  waitForList,
  type DeliverRig,
} from './helpers.js';

const SECRET = secretFor('retry-after-test');

describe('Retry-After from live receivers: an HTTP date, and a 503', () => {
  let rig: DeliverRig;

  beforeAll(async () => {
    rig = await startDeliverRig('retry-after', {
      answer: (req, res, n) => {
        // An HTTP date two seconds ahead (whole seconds, so the wait is between one and two seconds).
        if (req.url === '/date' && n === 1) return void res.writeHead(429, { 'retry-after': new Date(Date.now() + 2000).toUTCString() }).end();
        if (req.url === '/unavailable' && n === 1) return void res.writeHead(503, { 'retry-after': '1' }).end('maintenance');
        res.writeHead(204).end();
      },
      config: (url) => ({
        subscriptions: subscriptionsAt(url, SECRET, ['date', 'unavailable']),
        // Retries of the schedule would come after 50 ms: a later second attempt can only be the Retry-After.
        delivery: { retrySchedule: ['50ms', '50ms'], jitter: 0 },
      }),
    });
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  it('waits until an HTTP-date Retry-After (fan-out first attempt), without spending an attempt', async () => {
    await enqueueFanout(rig.system.ctx, ['date'], 'item.published', sampleItem('ra-date'));
    await expectDeliveredAfterThrottle(rig, 'date', 900);
  });

  it('pauses the endpoint on 503 with Retry-After, and every delivery to it waits', async () => {
    await enqueueEvent(rig.system.ctx, 'unavailable', 'item.published', sampleItem('ra-503-a'));
    await waitForList('the 503', () => rig.at('/unavailable'));
    // A second event while paused must wait for the pause too, though its own job never saw the 503.
    await enqueueEvent(rig.system.ctx, 'unavailable', 'item.published', sampleItem('ra-503-b'));
    const requests = await waitForList('both after the pause', () => rig.at('/unavailable'), 3, 5000);
    for (const later of requests.slice(1)) expect(later.at - requests[0]!.at).toBeGreaterThanOrEqual(950);
    const attempts = await waitForList('log', () => rig.log('unavailable'), 3);
    expect(attempts[0]).toMatchObject({ status: 503, attempt: 1, errorCode: 'SYN_ERR_DELIVERY_THROTTLED', response: 'maintenance' });
    expect(attempts.slice(1).map((a) => [a.status, a.attempt])).toEqual([
      [204, 1],
      [204, 1],
    ]);
  });
});
