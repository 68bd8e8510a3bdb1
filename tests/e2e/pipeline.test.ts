import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { WebhookEvent } from '../../src/core/item.js';
import { type LoopbackServer, serveRss, startAcceptingReceiver, waitFor } from '../support/http.js';
import { countsByFamily, keyCensus, unbounded } from '../support/key-families.js';
import { sampleFeed } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
describe('end to end: a loopback feed to a republished feed and a signed webhook', () => {
  let feedServer: LoopbackServer;
  let receiver: LoopbackServer;
  let system: Awaited<ReturnType<typeof startTestSystem>>;

  beforeAll(async () => {
    feedServer = await serveRss(sampleFeed);
    receiver = await startAcceptingReceiver();
    system = await startTestSystem('e2e', {
      sources: [{ id: 'news-az', name: 'News.Az', url: `${feedServer.url}/rss`, interval: '1h' }],
      channels: [{ id: 'x', title: 'Everything' }],
      subscriptions: [{ id: 'receiver', url: `${receiver.url}/hooks`, secret: SECRET }],
    });
  });

  afterAll(async () => {
    await system?.cleanup();
    await feedServer?.close();
    await receiver?.close();
  });

  it('delivers item.published, signed so that the standardwebhooks library verifies it', async () => {
    const delivery = await waitFor('the webhook delivery', () => receiver.requests[0], 15_000);
    const event = new Webhook(SECRET).verify(delivery.body, delivery.headers as Record<string, string>) as WebhookEvent;
    expect(event.type).toBe('item.published');
    expect(event.data.title).toContain('Grigory Trofimchuk');
    expect(event.data.sources.map((s) => s.id)).toEqual(['news-az']);
    expect(delivery.headers['webhook-id']).toMatch(/^msg_/);
    expect(() =>
      new Webhook('whsec_' + Buffer.from('another secret 32 bytes long!!!!').toString('base64')).verify(
        delivery.body,
        delivery.headers as Record<string, string>,
      ),
    ).toThrow();
  });

  it('serves the story in /feeds/x.atom, .rss and .json, and answers 304 to a conditional request', async () => {
    const app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    const atom = await app.inject({ method: 'GET', url: '/feeds/x.atom' });
    expect(atom.statusCode).toBe(200);
    expect(atom.headers['content-type']).toContain('application/atom+xml');
    expect(atom.body).toContain('Grigory Trofimchuk: Russia has no choice but to accept the new regional order');
    const again = await app.inject({ method: 'GET', url: '/feeds/x.atom', headers: { 'if-none-match': String(atom.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const rss = await app.inject({ method: 'GET', url: '/feeds/x.rss' });
    expect(rss.body).toContain('<rss');
    const json = JSON.parse((await app.inject({ method: 'GET', url: '/feeds/x.json' })).body);
    expect(json.version).toBe('https://jsonfeed.org/version/1.1');
    expect(json.items).toHaveLength(1);
    await app.close();
  });

  it('does not publish the story twice when the feed is fetched again', async () => {
    await system.ctx.queues.fetch.add('fetch', { sourceId: 'news-az' });
    await waitFor('the second fetch', () => feedServer.requests.length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(receiver.requests).toHaveLength(1);
    expect(await system.ctx.items.latest(10)).toHaveLength(1);
  });

  it('leaves no key without a bound: every key family of the run has a row in src/redis/bounds.ts or a TTL', async () => {
    const rows = await keyCensus(system.ctx.redis, system.env.redisPrefix);
    const families = countsByFamily(rows);
    // The run touched every stage's state: the census is not vacuous.
    for (const family of ['source-seen', 'source-seen-at', 'item', 'item-sources', 'channel-log', 'dedup-index', 'delivery-log', 'queue-job'])
      expect(families[family], `${family} in ${JSON.stringify(families)}`).toBeGreaterThan(0);
    expect(unbounded(rows, system.env.redisPrefix)).toEqual([]);
  });
});
