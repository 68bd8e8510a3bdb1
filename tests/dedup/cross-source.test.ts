import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebhookEvent } from '../../src/core/item.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { deleteKeys, testEnv } from '../support/redis.js';
import { escape, paragraphs, TITLE } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';

/** One RSS item carrying a body of paragraphs. */
function feed(title: string, link: string, guid: string, body: string[]): string {
  const html = body.map((p) => `<p>${escape(p)}</p>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><link>${escape(link)}</link><description>d</description>
<item><title>${escape(title)}</title><link>${escape(link)}</link><guid isPermaLink="false">${guid}</guid><pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate>
<content:encoded><![CDATA[${html}]]></content:encoded></item></channel></rss>`;
}

/** How another outlet republishes the interview: new title, its own intro line, a dropped paragraph, straight quotes, a credit line. */
function republished(): string[] {
  const body = paragraphs
    .slice(2)
    .filter((_, i) => i !== 6)
    .map((p) => p.replace(/[“”]/g, '"').replace(/[‘’]/g, "'"));
  return ['Caspian Post brings you this conversation first published by News.Az.', ...body, 'Source: News.Az'];
}

describe('one story, many outlets, two workers', () => {
  let server: LoopbackServer;
  let receiver: LoopbackServer;
  let original = feed(TITLE, 'https://news.az/news/trofimchuk', 'news-az-1', paragraphs);
  const env = testEnv('cross-source');
  let systems: Array<Awaited<ReturnType<typeof startTestSystem>>> = [];

  beforeAll(async () => {
    server = await startServer((request, res) => {
      res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
      res.end(
        request.url === '/news-az'
          ? original
          : feed('Russian expert: Moscow must accept the new order in the South Caucasus', 'https://caspianpost.example/trofimchuk', 'cp-77', republished()),
      );
    });
    receiver = await startServer((_req, res) => {
      res.statusCode = 200;
      res.end('ok');
    });
    const config = {
      sources: [
        { id: 'news-az', name: 'News.Az', url: `${server.url}/news-az`, interval: '1h' },
        { id: 'caspian-post', name: 'Caspian Post', url: `${server.url}/caspian-post`, interval: '1h' },
      ],
      channels: [{ id: 'interviews', title: 'Interviews', filter: { kind: 'interview' } }],
      subscriptions: [{ id: 'rx', url: `${receiver.url}/hook`, secret: SECRET }],
      limits: { hostSpacing: '10ms' },
    };
    // Two systems on one Redis prefix: two processes' worth of workers racing on the two copies.
    systems = await Promise.all([startTestSystem('cross-source', config, undefined, env), startTestSystem('cross-source', config, undefined, env)]);
  });

  afterAll(async () => {
    await Promise.all(systems.map((s) => s.stop('test')));
    await deleteKeys(env.redisPrefix);
    await server?.close();
    await receiver?.close();
  }, 90_000);

  const events = () => receiver.requests.map((r) => new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>) as WebhookEvent);

  it('publishes one story with both outlets: one item.published, then one item.source_added', async () => {
    await waitFor('two events', () => receiver.requests.length >= 2, 15_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    const received = events();
    expect(received.map((e) => e.type)).toEqual(['item.published', 'item.source_added']);
    expect(received[0]!.data.id).toBe(received[1]!.data.id);
    expect(received[1]!.data.sources.map((s) => s.id).sort()).toEqual(['caspian-post', 'news-az']);
    const stored = await systems[0]!.ctx.items.latest(10);
    expect(stored).toHaveLength(1);
    expect(stored[0]!.kind).toBe('interview');
    expect(stored[0]!.sources).toHaveLength(2);
  });

  it('sends nothing for an unchanged re-fetch, and item.updated when the outlet edits its entry', async () => {
    const before = receiver.requests.length;
    const fetchesBefore = server.requests.length;
    await systems[0]!.ctx.queues.fetch.add('fetch', { sourceId: 'news-az' });
    await systems[1]!.ctx.queues.fetch.add('fetch', { sourceId: 'caspian-post' });
    await waitFor('both re-fetches', () => server.requests.length >= fetchesBefore + 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(receiver.requests.length).toBe(before);

    original = feed(TITLE, 'https://news.az/news/trofimchuk', 'news-az-1', [
      ...paragraphs.slice(0, -6),
      'Editor’s note: this interview was updated with a correction on June 11.',
      ...paragraphs.slice(-6),
    ]);
    await systems[0]!.ctx.queues.fetch.add('fetch', { sourceId: 'news-az' }, { jobId: 'refetch-after-edit' });
    await waitFor('the update event', () => receiver.requests.length > before, 10_000);
    const update = events().at(-1)!;
    expect(update.type).toBe('item.updated');
    expect(update.data.contentText).toContain('updated with a correction');
    expect(update.data.sources).toHaveLength(2);

    // A second correction of exactly the same length is another edit, with an event of its own.
    const count = receiver.requests.length;
    original = original.replace('updated with a correction on June 11', 'updated with a correction on June 12');
    await systems[0]!.ctx.queues.fetch.add('fetch', { sourceId: 'news-az' }, { jobId: 'refetch-after-second-edit' });
    await waitFor('the second update event', () => receiver.requests.length > count, 10_000);
    const second = events().at(-1)!;
    expect(second.type).toBe('item.updated');
    expect(second.data.contentText).toContain('June 12');
    expect(receiver.requests.at(-1)!.headers['webhook-id']).not.toBe(receiver.requests.at(-2)!.headers['webhook-id']);
  });
});
