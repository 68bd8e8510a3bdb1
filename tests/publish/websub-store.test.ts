import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSubStore } from '../../src/publish/websub-store.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { articleItem, interviewItem } from './fixtures.js';

const ATOM = 'http://127.0.0.1:8080/feeds/news.atom';
const RSS = 'http://127.0.0.1:8080/feeds/news.rss';
const SECRET = 'coalescing-secret';
const BURST = 12;

/** The story ids of the burst, as they appear in every format's document. */
const storyIds = [...Array.from({ length: BURST / 2 }, (_, i) => `story-${i + 1}`), ...Array.from({ length: BURST / 2 }, (_, i) => `article-${i + 1}`)];

describe('WebSub hub pushes under a burst of publishes', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let fast: LoopbackServer;
  let slow: LoopbackServer;

  beforeAll(async () => {
    fast = await startServer((_req, res) => void res.writeHead(204).end());
    // A subscriber that takes its time: pushes queue up behind the one in flight.
    slow = await startServer((_req, res) => void setTimeout(() => res.writeHead(204).end(), 150));
    system = await startTestSystem('websub-burst', { channels: [{ id: 'news', title: 'News' }] }, ['publish', 'websub']);
    const store = new WebSubStore(system.ctx.redis, system.ctx.keys);
    const lease = { leaseSeconds: 3600, expiresAt: Date.now() + 3_600_000 };
    await store.save({ topic: ATOM, callback: `${fast.url}/atom`, secret: SECRET, ...lease }, system.ctx.config.websub.hub);
    await store.save({ topic: RSS, callback: `${fast.url}/rss`, secret: null, ...lease }, system.ctx.config.websub.hub);
    await store.save({ topic: ATOM, callback: `${slow.url}/atom`, secret: SECRET, ...lease }, system.ctx.config.websub.hub);
  });

  afterAll(async () => {
    await system?.cleanup();
    await fast?.close();
    await slow?.close();
  });

  it(`a burst of ${BURST} publishes: at most one push per subscriber per distinct document, the last holding every story`, async () => {
    // Stories arrive as they would from the pipeline: one every few tens of ms, while pushes are in flight.
    for (let n = 1; n <= BURST / 2; n++) {
      await system.ctx.queues.publish.add('item.published', { event: 'item.published', item: interviewItem(n) });
      await new Promise((resolve) => setTimeout(resolve, 10 + ((n * 37) % 60)));
      await system.ctx.queues.publish.add('item.published', { event: 'item.published', item: articleItem(n) });
      await new Promise((resolve) => setTimeout(resolve, 10 + ((n * 53) % 60)));
    }
    const subscribers = [
      { name: 'fast atom', pushes: () => fast.requests.filter((r) => r.url === '/atom'), secret: SECRET },
      { name: 'fast rss', pushes: () => fast.requests.filter((r) => r.url === '/rss'), secret: null },
      { name: 'slow atom', pushes: () => slow.requests.filter((r) => r.url === '/atom'), secret: SECRET },
    ];
    const holdsAll = (body: string) => storyIds.every((id) => body.includes(id));
    for (const subscriber of subscribers)
      await waitFor(`${subscriber.name}: a push holding every story`, () => subscriber.pushes().some((p) => holdsAll(p.body)), 15_000);
    // Quiet time: anything still queued would arrive now.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const figures = Object.fromEntries(subscribers.map((s) => [s.name, { pushes: s.pushes().length, distinct: new Set(s.pushes().map((p) => p.body)).size }]));
    console.info(`websub burst of ${BURST} publishes: ${JSON.stringify(figures)}`);
    for (const subscriber of subscribers) {
      const pushes = subscriber.pushes();
      expect(pushes.length, `${subscriber.name}: no document pushed twice`).toBe(figures[subscriber.name]!.distinct);
      expect(pushes.length, `${subscriber.name}: one push per channel change at most`).toBeLessThanOrEqual(BURST);
      expect(holdsAll(pushes[pushes.length - 1]!.body), `${subscriber.name}: the last push holds every story`).toBe(true);
      for (const push of pushes) {
        if (subscriber.secret)
          expect(push.headers['x-hub-signature']).toBe(`sha256=${createHmac('sha256', subscriber.secret).update(push.body).digest('hex')}`);
        else expect(push.headers['x-hub-signature']).toBeUndefined();
      }
    }
  });
});
