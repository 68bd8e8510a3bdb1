import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Job } from 'bullmq';
import { deliverJobId, fanoutJobId } from '../../src/queues/queues.js';
import { createFanoutPermits, processFanoutJob } from '../../src/deliver/fanout-processor.js';
import { listDeadLetters } from '../../src/deliver/dead-letters.js';
import type { FanoutJob } from '../../src/queues/pipeline.js';
import { waitFor } from '../support/http.js';
import { CLEANUP_TIMEOUT_MS, enqueueFanout, sampleItem, secretFor, startDeliverRig, subscriptionsAt, waitForList, type DeliverRig } from './helpers.js';

const SECRET = secretFor('fanout-test');
const BUDGET_MS = 300;
/** How long the slow endpoint takes to answer its first request, and the dead endpoints' timeout. */
const SLOW_MS = 2_500;
const TIMEOUT_MS = 3_000;

describe('fan-out: the first attempt of every subscription in one job per event', () => {
  let rig: DeliverRig;
  const fanoutState = (id: string) => rig.system.ctx.queues.deliver.getJobState(fanoutJobId(id));

  beforeAll(async () => {
    rig = await startDeliverRig('fanout', {
      answer: (req, res, n) => {
        if (req.url === '/flaky' && n === 1) return void res.writeHead(500).end('not yet');
        if (req.url === '/slow' && n === 1) return void setTimeout(() => res.writeHead(204).end(), SLOW_MS);
        if (req.url === '/gone') return void res.writeHead(410).end();
        if (req.url === '/dead') return; // never answers
        if (req.url === '/order' && n === 1) return void res.writeHead(500).end();
        res.writeHead(204).end();
      },
      config: (url) => ({
        subscriptions: subscriptionsAt(url, SECRET, ['ok-1', 'ok-2', 'flaky', 'slow', 'gone', 'dead', 'healthy', 'order']),
        delivery: { retrySchedule: ['100ms', '100ms', '100ms'], jitter: 0, fanoutBudget: `${BUDGET_MS}ms` },
        limits: { deliveryTimeout: `${TIMEOUT_MS}ms` },
      }),
    });
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  it('delivers to all at once and hands only failures, slow and gone ones to per-subscription jobs', async () => {
    const started = Date.now();
    const id = await enqueueFanout(rig.system.ctx, ['ok-1', 'ok-2', 'flaky', 'slow', 'gone'], 'item.published', sampleItem('fan-1'));
    await waitFor('fan-out done', async () => (await fanoutState(id)) === 'completed', 5000);
    // The fan-out did not wait for the slow endpoint's answer.
    expect(Date.now() - started).toBeLessThan(SLOW_MS - 500);
    const job = await rig.system.ctx.queues.deliver.getJob(fanoutJobId(id));
    expect(job!.returnvalue).toEqual({ delivered: 2, handedOff: 3, skipped: 0 });
    for (const path of ['/ok-1', '/ok-2']) {
      expect(rig.at(path)).toHaveLength(1);
      expect(() => new Webhook(SECRET).verify(rig.at(path)[0]!.body, rig.at(path)[0]!.headers as Record<string, string>)).not.toThrow();
    }
    expect(await rig.system.ctx.queues.deliver.getJob(deliverJobId('ok-1', id))).toBeUndefined();

    // The failure counts as attempt 1; its own job makes attempt 2 with the same webhook-id.
    const flaky = await waitForList('flaky log', async () => (await rig.log('flaky')).filter((a) => a.ok));
    const flakyLog = await rig.log('flaky');
    expect(flakyLog.map((a) => [a.attempt, a.status, a.jobId])).toEqual([
      [1, 500, deliverJobId('flaky', id)],
      [2, 204, deliverJobId('flaky', id)],
    ]);
    expect(flaky).toHaveLength(1);
    expect(new Set(rig.at('/flaky').map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));

    // The slow one was abandoned at the budget (not logged) and sent again by its own job, same webhook-id.
    await waitForList('slow delivered', async () => (await rig.log('slow')).filter((a) => a.ok), 1, 5000);
    expect((await rig.log('slow')).map((a) => [a.attempt, a.ok])).toEqual([[1, true]]);
    expect(rig.at('/slow').map((r) => r.headers['webhook-id'])).toEqual([id, id]);

    // 410 from the fan-out: a dead letter at once, listed like any other, subscription disabled.
    await waitFor('gone dead letter', async () => (await rig.system.ctx.queues.deliver.getJobState(deliverJobId('gone', id))) === 'failed');
    const letters = await listDeadLetters(rig.system.ctx.queues, { subscription: 'gone' });
    expect(letters.map((l) => l.failedReason)).toEqual([expect.stringContaining('SYN_ERR_DELIVERY_GONE')]);
    expect(rig.at('/gone')).toHaveLength(1);
    expect(await rig.system.ctx.catalog.get('subscriptions', 'gone')).toMatchObject({ enabled: false });
  });

  it('a retried fan-out job does not deliver again to endpoints that already succeeded', async () => {
    const id = await enqueueFanout(rig.system.ctx, ['ok-1', 'ok-2'], 'item.published', sampleItem('fan-2'));
    await waitFor('fan-out done', async () => (await fanoutState(id)) === 'completed');
    const before = rig.receiver.requests.length;
    const job = (await rig.system.ctx.queues.deliver.getJob(fanoutJobId(id))) as Job<FanoutJob>;
    // Run it again as a retry would (same job data and id): everything is recorded as done.
    expect(await processFanoutJob(rig.system.ctx, job, undefined, createFanoutPermits(4))).toEqual({ delivered: 0, handedOff: 0, skipped: 2 });
    expect(rig.receiver.requests.length).toBe(before);
  });

  it('a dead endpoint does not delay the others, event after event', async () => {
    const enqueued = new Map<string, number>();
    for (let i = 0; i < 20; i++) {
      enqueued.set(`iso-${i}`, Date.now());
      await enqueueFanout(rig.system.ctx, ['dead', 'healthy'], 'item.published', sampleItem(`iso-${i}`));
    }
    await waitFor('all healthy deliveries', () => rig.at('/healthy').length >= 20, 4000);
    const latencies = rig.at('/healthy').map((r) => r.at - enqueued.get(JSON.parse(r.body).data.id)!);
    // Behind the dead endpoint, the later events' healthy deliveries would wait a fan-out budget each (20 × 300 ms)
    // or its timeout; none waited half the timeout (on an idle machine the slowest takes well under the budget).
    expect(Math.max(...latencies)).toBeLessThan(TIMEOUT_MS / 2);
  });

  it("keeps the order: item.updated waits for its story's item.published, even when that one is retried", async () => {
    const item = sampleItem('fan-order');
    await enqueueFanout(rig.system.ctx, ['order'], 'item.published', item);
    await enqueueFanout(rig.system.ctx, ['order'], 'item.updated', { ...item, title: 'changed' }, 'v2');
    await waitFor('both delivered', async () => (await rig.log('order')).filter((a) => a.ok).length >= 2, 5000);
    const types = rig.at('/order').map((r) => JSON.parse(r.body).type);
    // published fails once, is retried by its own job, and only then does updated go out.
    expect(types).toEqual(['item.published', 'item.published', 'item.updated']);
  });
});
