import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/http.js';
import { CLEANUP_TIMEOUT_MS, enqueueEvent, sampleItem, secretFor, startDeliverRig, subscriptionsAt, type DeliverRig } from './helpers.js';

const SECRET = secretFor('isolation-test');

describe('per-endpoint isolation (concurrency and rate limits in Redis)', () => {
  let rig: DeliverRig;
  let deadOpen = 0;
  let deadMaxOpen = 0;

  beforeAll(async () => {
    rig = await startDeliverRig('isolation', {
      answer: (req, res) => {
        if (req.url === '/dead') {
          // Never answers; counts how many of our requests it holds at once.
          deadOpen++;
          deadMaxOpen = Math.max(deadMaxOpen, deadOpen);
          res.on('close', () => deadOpen--);
          return;
        }
        res.writeHead(204).end();
      },
      config: (url) => ({
        subscriptions: [...subscriptionsAt(url, SECRET, ['dead', 'healthy']), { id: 'limited', url: `${url}/limited`, secret: SECRET, rateLimit: 5 }],
        delivery: { retrySchedule: ['50ms', '50ms', '50ms'], jitter: 0, endpointConcurrency: 4 },
        limits: { deliveryTimeout: '3s' },
      }),
    });
  });

  afterAll(() => rig?.close(), CLEANUP_TIMEOUT_MS);

  it("a dead endpoint beside a healthy one: the healthy one's deliveries all arrive quickly", async () => {
    // The dead endpoint's events go first, 64 of them: without per-endpoint limits they would fill all 32 worker slots.
    for (let i = 0; i < 64; i++) await enqueueEvent(rig.system.ctx, 'dead', 'item.published', sampleItem(`dead-${i}`));
    const enqueued = new Map<string, number>();
    for (let i = 0; i < 40; i++) {
      enqueued.set(`healthy-${i}`, Date.now());
      await enqueueEvent(rig.system.ctx, 'healthy', 'item.published', sampleItem(`healthy-${i}`));
    }
    await waitFor('all healthy deliveries', () => rig.at('/healthy').length >= 40, 10_000);
    const latencies = rig.at('/healthy').map((r) => r.at - enqueued.get(JSON.parse(r.body).data.id)!);
    // A healthy delivery queued behind a dead one would wait for its 3 s timeout; none waited even half of it (the
    // margin is for a loaded machine: on an idle one the slowest takes about 100 ms).
    expect(Math.max(...latencies)).toBeLessThan(1_500);
    expect(deadMaxOpen).toBeGreaterThan(0);
    expect(deadMaxOpen).toBeLessThanOrEqual(4);
  });

  it('keeps an endpoint within its rate limit, in every 1-second window', async () => {
    const jobIds: string[] = [];
    for (let i = 0; i < 12; i++) jobIds.push(await enqueueEvent(rig.system.ctx, 'limited', 'item.published', sampleItem(`limited-${i}`)));
    await waitFor('all rate-limited deliveries', () => rig.at('/limited').length >= 12, 10_000);
    const times = rig
      .at('/limited')
      .map((r) => r.at)
      .sort((a, b) => a - b);
    // 5/s: starts at least 200 ms apart, so 12 span at least 11 intervals, and no second (wherever it starts) holds
    // more than 5. Arrival times jitter by a few ms around the starts: 50 ms of slack (a fixed window would allow 10).
    expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(11 * 200 - 50);
    for (const t of times) expect(times.filter((u) => u >= t && u < t + 950).length).toBeLessThanOrEqual(5);
    // Refused jobs spread out instead of all coming back for every slot, which would take 11 + 10 + … + 1 = 66 refusals.
    const jobs = await Promise.all(jobIds.map((id) => rig.system.ctx.queues.deliver.getJob(id)));
    const refusals = jobs.reduce((sum, job) => sum + (job!.attemptsStarted ?? 0) - 1, 0);
    expect(refusals).toBeLessThan(60);
  }, 15_000);
});
