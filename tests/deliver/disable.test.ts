import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { waitFor } from '../support/http.js';
import { ADMIN_AUTH, ADMIN_TOKEN, CLEANUP_TIMEOUT_MS, enqueueEvent, sampleItem, secretFor, startDeliverRig, waitForList, type DeliverRig } from './helpers.js';

describe('disable after continuous failure, and recover', () => {
  let rig: DeliverRig;
  let healthy = false;

  beforeAll(async () => {
    rig = await startDeliverRig('disable', {
      answer: (_req, res) => void res.writeHead(healthy ? 200 : 500).end(),
      config: (url) => ({
        subscriptions: [{ id: 'flapping', url: `${url}/hook`, secret: secretFor('disable-test') }],
        // Failing for 300 ms without one success disables; attempts come 200 ms apart, so the second or third one trips it.
        delivery: { retrySchedule: ['200ms', '200ms', '200ms', '200ms'], jitter: 0, disableAfter: '300ms' },
      }),
    });
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  it('disables a subscription failing for the configured period, refuses its events, and re-enables through the API', async () => {
    const jobId = await enqueueEvent(rig.system.ctx, 'flapping', 'item.published', sampleItem('f-1'));
    await waitFor('dead letter', async () => (await rig.system.ctx.queues.deliver.getJobState(jobId)) === 'failed');
    // Disabled before the schedule ran out (5 attempts), once failing had lasted 300 ms.
    const attempts = rig.receiver.requests.length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThan(5);
    const disabled = await rig.system.ctx.catalog.get('subscriptions', 'flapping');
    expect(disabled).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('failing without success since') });

    const refused = await enqueueEvent(rig.system.ctx, 'flapping', 'item.published', sampleItem('f-2'));
    await waitFor('refused', async () => (await rig.system.ctx.queues.deliver.getJobState(refused)) === 'failed');
    expect(rig.receiver.requests).toHaveLength(attempts);
    expect((await rig.log('flapping')).at(-1)).toMatchObject({ errorCode: 'SYN_ERR_SUBSCRIPTION_DISABLED', status: null });

    healthy = true;
    const app = await buildApp({ ctx: rig.system.ctx, adminToken: ADMIN_TOKEN });
    expect((await app.inject({ method: 'PUT', url: '/api/v1/subscriptions/flapping/enable', headers: ADMIN_AUTH })).statusCode).toBe(200);
    const replay = await app.inject({
      method: 'POST',
      url: '/api/v1/deliveries/replay',
      headers: ADMIN_AUTH,
      payload: { subscription: 'flapping', from: '2000-01-01T00:00:00Z', to: new Date().toISOString() },
    });
    expect(JSON.parse(replay.body).replayed).toHaveLength(2);
    const delivered = await waitForList('both delivered', async () => (await rig.log('flapping')).filter((a) => a.ok), 2);
    expect(delivered.map((a) => a.storyId).sort()).toEqual(['f-1', 'f-2']);
    expect(await rig.system.ctx.redis.exists(rig.system.ctx.keys.deliveryFailingSince('flapping'))).toBe(0);
    await app.close();
  });
});
