import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { CLEANUP_TIMEOUT_MS, deliveryLogOf, enqueueEvent, sampleItem, secretFor, waitForList } from './helpers.js';

const auth = { authorization: 'Bearer test-admin-token' };

describe('disable after continuous failure, and recover', () => {
  let receiver: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let healthy = false;
  const log = () => deliveryLogOf(system.ctx, 'flapping');

  beforeAll(async () => {
    receiver = await startServer((_req, res) => void res.writeHead(healthy ? 200 : 500).end());
    system = await startTestSystem('disable', {
      subscriptions: [{ id: 'flapping', url: `${receiver.url}/hook`, secret: secretFor('disable-test') }],
      // Failing for 300 ms without one success disables; attempts come 200 ms apart, so the second or third one trips it.
      delivery: { retrySchedule: ['200ms', '200ms', '200ms', '200ms'], jitter: 0, disableAfter: '300ms' },
    }, ['deliver']);
  });

  afterAll(async () => {
    await system?.cleanup();
    await receiver?.close();
  }, CLEANUP_TIMEOUT_MS);

  it('disables a subscription failing for the configured period, refuses its events, and re-enables through the API', async () => {
    const jobId = await enqueueEvent(system.ctx, 'flapping', 'item.published', sampleItem('f-1'));
    await waitFor('dead letter', async () => (await system.ctx.queues.deliver.getJobState(jobId)) === 'failed');
    // Disabled before the schedule ran out (5 attempts), once failing had lasted 300 ms.
    const attempts = receiver.requests.length;
    expect(attempts).toBeGreaterThanOrEqual(2);
    expect(attempts).toBeLessThan(5);
    const disabled = await system.ctx.catalog.get('subscriptions', 'flapping');
    expect(disabled).toMatchObject({ enabled: false, disabledReason: expect.stringContaining('failing without success since') });

    const refused = await enqueueEvent(system.ctx, 'flapping', 'item.published', sampleItem('f-2'));
    await waitFor('refused', async () => (await system.ctx.queues.deliver.getJobState(refused)) === 'failed');
    expect(receiver.requests).toHaveLength(attempts);
    expect((await log()).at(-1)).toMatchObject({ errorCode: 'SYN_ERR_SUBSCRIPTION_DISABLED', status: null });

    healthy = true;
    const app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    expect((await app.inject({ method: 'PUT', url: '/api/v1/subscriptions/flapping/enable', headers: auth })).statusCode).toBe(200);
    const replay = await app.inject({ method: 'POST', url: '/api/v1/deliveries/replay', headers: auth, payload: { subscription: 'flapping', from: '2000-01-01T00:00:00Z', to: new Date().toISOString() } });
    expect(JSON.parse(replay.body).replayed).toHaveLength(2);
    const delivered = await waitForList('both delivered', async () => (await log()).filter((a) => a.ok), 2);
    expect(delivered.map((a) => a.storyId).sort()).toEqual(['f-1', 'f-2']);
    expect(await system.ctx.redis.exists(system.ctx.keys.deliveryFailingSince('flapping'))).toBe(0);
    await app.close();
  });
});
