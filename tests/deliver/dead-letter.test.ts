import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/http.js';
import {
  ADMIN_AUTH,
  CLEANUP_TIMEOUT_MS,
  enqueueEvent,
  sampleItem,
  secretFor,
  startDeliverRig,
  subscriptionsAt,
  waitForList,
  type DeliverRigWithApi,
} from './helpers.js';

const SECRET = secretFor('dead-letter-test');

describe('dead letters, replay and ordering', () => {
  let rig: DeliverRigWithApi;
  let healthy = false;
  let publishedFailures = 0;

  beforeAll(async () => {
    rig = await startDeliverRig('deadletter', {
      withApi: true,
      answer: (req, res) => {
        if (req.url === '/down' && !healthy) return void res.writeHead(500).end('down');
        const type = JSON.parse(req.body).type as string;
        // The ordered endpoint fails the published event twice, so it is still being retried when the later events run.
        if (req.url === '/ordered' && type === 'item.published' && publishedFailures++ < 2) return void res.writeHead(500).end();
        res.writeHead(200).end('ok');
      },
      config: (url) => ({
        subscriptions: subscriptionsAt(url, SECRET, ['down', 'ordered']),
        delivery: { retrySchedule: ['50ms', '150ms'], jitter: 0 },
      }),
    });
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  it('keeps exhausted deliveries as dead letters and replays one, then a time range, through the API', async () => {
    const from = new Date().toISOString();
    const first = await enqueueEvent(rig.system.ctx, 'down', 'item.published', sampleItem('dl-1'));
    const second = await enqueueEvent(rig.system.ctx, 'down', 'item.published', sampleItem('dl-2'));
    const third = await enqueueEvent(rig.system.ctx, 'down', 'item.published', sampleItem('dl-3'));
    const listed = await waitFor('three dead letters', async () => {
      const body = JSON.parse(
        (await rig.app.inject({ method: 'GET', url: `/api/v1/deliveries/failed?subscription=down&from=${from}`, headers: ADMIN_AUTH })).body,
      );
      return body.deliveries.length === 3 && body.deliveries;
    });
    expect(listed.map((d: { jobId: string }) => d.jobId).sort()).toEqual([first, second, third].sort());
    expect(listed[0]).toMatchObject({ subscriptionId: 'down', attemptsMade: 3 });
    expect(rig.at('/down')).toHaveLength(9);
    expect((await rig.app.inject({ method: 'GET', url: '/api/v1/deliveries/failed' })).statusCode).toBe(401);

    healthy = true;
    const one = await rig.app.inject({ method: 'POST', url: `/api/v1/deliveries/${first}/replay`, headers: ADMIN_AUTH });
    expect(one.statusCode).toBe(202);
    await waitFor('replayed delivery', async () => (await rig.system.ctx.queues.deliver.getJobState(first)) === 'completed');
    const dl1 = rig.at('/down').filter((r) => JSON.parse(r.body).data.id === 'dl-1');
    expect(new Set(dl1.map((r) => r.headers['webhook-id'])).size).toBe(1); // the replay keeps the webhook-id
    new Webhook(SECRET).verify(dl1.at(-1)!.body, dl1.at(-1)!.headers as Record<string, string>);
    expect((await rig.app.inject({ method: 'POST', url: `/api/v1/deliveries/${first}/replay`, headers: ADMIN_AUTH })).statusCode).toBe(409);

    const range = await rig.app.inject({
      method: 'POST',
      url: '/api/v1/deliveries/replay',
      headers: ADMIN_AUTH,
      payload: { subscription: 'down', from, to: new Date().toISOString() },
    });
    expect(
      JSON.parse(range.body)
        .replayed.map((d: { jobId: string }) => d.jobId)
        .sort(),
    ).toEqual([second, third].sort());
    await waitFor(
      'range replayed',
      async () =>
        (await rig.system.ctx.queues.deliver.getJobState(second)) === 'completed' && (await rig.system.ctx.queues.deliver.getJobState(third)) === 'completed',
    );
    expect((await rig.app.inject({ method: 'POST', url: '/api/v1/deliveries/replay', headers: ADMIN_AUTH, payload: {} })).statusCode).toBe(400);
  });

  it("never delivers item.updated or item.source_added before that story's item.published", async () => {
    const story = sampleItem('ordered-1');
    // Enqueued together: the later events run while the published one is still failing and waiting to retry.
    await enqueueEvent(rig.system.ctx, 'ordered', 'item.published', story);
    await enqueueEvent(rig.system.ctx, 'ordered', 'item.updated', { ...story, title: 'changed' }, 'v2');
    await enqueueEvent(rig.system.ctx, 'ordered', 'item.source_added', story, 'other https://other.example/1');
    const requests = await waitForList('all three delivered', () => rig.at('/ordered'), 5);
    const types = requests.map((r) => JSON.parse(r.body).type as string);
    expect(types.slice(0, 3)).toEqual(['item.published', 'item.published', 'item.published']);
    expect(types.slice(3).sort()).toEqual(['item.source_added', 'item.updated']);
  });
});
