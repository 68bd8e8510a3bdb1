import { Webhook } from 'standardwebhooks';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { storyUri } from '../../src/publish/render-feed.js';
import { runCli } from '../support/cli.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { paragraphs } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';
import { ADMIN_TOKEN, CLEANUP_TIMEOUT_MS, sampleItem, secretFor, type TestSystem } from '../deliver/helpers.js';

const SECRET = secretFor('retractions');
const TOMBSTONES = 'http://purl.org/atompub/tombstones/1.0';
const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** An outlet's Atom feed: its copy of the story, or (retracted) an RFC 6721 tombstone in its place. */
function outletFeed(outlet: string, retracted: boolean): string {
  const entryId = `urn:${outlet}:story-1`;
  const body = paragraphs
    .slice(0, 8)
    .map((p) => `<p>${escape(p)}</p>`)
    .join('');
  const entry = retracted
    ? `<at:deleted-entry ref="${entryId}" when="2025-06-11T08:00:00Z"/>`
    : `<entry><id>${entryId}</id><title>Trofimchuk on the regional order</title><link href="https://${outlet}.example/news/story-1"/>` +
      `<updated>2025-06-10T09:00:00Z</updated><published>2025-06-10T09:00:00Z</published><author><name>${outlet}</name></author>` +
      `<content type="html">${escape(body)}</content></entry>`;
  return (
    `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom" xmlns:at="${TOMBSTONES}">` +
    `<id>urn:${outlet}</id><title>${outlet}</title><updated>2025-06-11T08:00:00Z</updated><link href="https://${outlet}.example/"/>${entry}</feed>`
  );
}

/**
 * Retractions through the whole pipeline: two outlets carry the same story (one story, two sources); the first
 * outlet's feed replaces its entry with an `at:deleted-entry` tombstone, so only that outlet leaves `sources[]`
 * (an `item.updated`); when the second does too, the story leaves the channel, subscribers get `item.deleted` and
 * the channel's Atom feed carries a tombstone for it. An operator's deletion (API and CLI) does the same.
 */
describe('retractions: tombstones in fetched feeds and operator deletions', () => {
  const retracted = { alpha: false, beta: false };
  let feeds: LoopbackServer;
  let receiver: LoopbackServer;
  let system: TestSystem;
  let app: FastifyInstance;
  const events = (type: string) =>
    receiver.requests
      .map((r) => new Webhook(SECRET).verify(r.body, r.headers as Record<string, string>) as { type: string; data: Record<string, unknown> })
      .filter((e) => e.type === type);
  const fetchNow = async (sourceId: 'alpha' | 'beta', n: number) => {
    const jobId = `manual-${sourceId}-${n}`;
    await system.ctx.queues.fetch.add('fetch', { sourceId }, { jobId });
    await waitFor(`fetch ${jobId}`, async () => (await system.ctx.queues.fetch.getJobState(jobId)) === 'completed', 20_000);
  };

  beforeAll(async () => {
    feeds = await startServer((request, response) => {
      const outlet = request.url.includes('alpha') ? 'alpha' : 'beta';
      response.writeHead(200, { 'content-type': 'application/atom+xml' }).end(outletFeed(outlet, retracted[outlet]));
    });
    receiver = await startServer((_request, response) => void response.writeHead(204).end());
    system = await startTestSystem('retractions', {
      sources: [
        { id: 'alpha', name: 'Alpha', url: `${feeds.url}/alpha.atom`, interval: '1h', fullText: 'never' },
        { id: 'beta', name: 'Beta', url: `${feeds.url}/beta.atom`, interval: '1h', fullText: 'never' },
      ],
      channels: [{ id: 'all', title: 'All' }],
      subscriptions: [{ id: 'hooks', url: `${receiver.url}/hooks`, secret: SECRET }],
      limits: { hostSpacing: '10ms' },
    });
    app = await buildApp({ ctx: system.ctx, adminToken: ADMIN_TOKEN });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
    await feeds?.close();
    await receiver?.close();
  }, CLEANUP_TIMEOUT_MS);

  it('one outlet retracting leaves only it out of sources[]; the last one retracting deletes the story', async () => {
    const story = await waitFor(
      'one story carried by both outlets',
      async () => {
        const [latest] = await system.ctx.items.latest(5);
        return latest && latest.sources.length === 2 ? latest : null;
      },
      30_000,
    );
    expect((await app.inject({ method: 'GET', url: '/feeds/all.atom' })).body).toContain(storyUri(story.id));

    retracted.alpha = true;
    await fetchNow('alpha', 1);
    await waitFor('alpha out of sources', async () => (await system.ctx.items.get(story.id))?.sources.length === 1, 20_000);
    expect((await system.ctx.items.get(story.id))!.sources.map((s) => s.id)).toEqual(['beta']);
    const update = await waitFor('item.updated without alpha', () => events('item.updated').at(-1), 20_000);
    expect((update.data.sources as Array<{ id: string }>).map((s) => s.id)).toEqual(['beta']);
    expect((update.data.source as { id: string }).id).toBe('beta');
    expect(events('item.deleted')).toHaveLength(0);
    expect((await app.inject({ method: 'GET', url: '/feeds/all.atom' })).body).toContain(`<id>${storyUri(story.id)}</id>`);

    retracted.beta = true;
    await fetchNow('beta', 1);
    const deleted = await waitFor('item.deleted', () => events('item.deleted')[0], 20_000);
    expect(deleted.data).toMatchObject({ id: story.id, reason: 'source', sourceId: 'beta', url: story.url });
    expect(await system.ctx.items.get(story.id)).toBeNull();
    expect((await app.inject({ method: 'GET', url: `/api/v1/items/${story.id}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode).toBe(404);

    const atom = (await app.inject({ method: 'GET', url: '/feeds/all.atom' })).body;
    expect(atom).not.toContain(`<id>${storyUri(story.id)}</id>`);
    expect(atom).toMatch(new RegExp(`<at:deleted-entry ref="${storyUri(story.id)}" when="[^"]+"/>`));
    expect((await app.inject({ method: 'GET', url: '/feeds/all.json' })).body).not.toContain(story.id);
    expect((await app.inject({ method: 'GET', url: '/feeds/all.rss' })).body).not.toContain(story.id);

    // A tombstone the feed keeps is handed on once: polling again changes nothing.
    await fetchNow('beta', 2);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(events('item.deleted')).toHaveLength(1);
  });

  it('an operator deletes a story through the API and through the CLI', async () => {
    const { queues } = system.ctx;
    for (const id of ['op-1', 'op-2']) await queues.publish.add('publish', { event: 'item.published', item: sampleItem(id) });
    await waitFor('both published', () => events('item.published').filter((e) => String(e.data.id).startsWith('op-')).length === 2, 20_000);

    const viaApi = await app.inject({ method: 'DELETE', url: '/api/v1/items/op-1', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(viaApi.statusCode).toBe(200);
    expect(JSON.parse(viaApi.body).deleted).toMatchObject({ id: 'op-1', reason: 'operator', channels: ['all'] });
    expect((await app.inject({ method: 'DELETE', url: '/api/v1/items/op-1', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode).toBe(404);

    const saved = { ...process.env };
    try {
      process.env.REDIS_URL = system.env.redisUrl;
      process.env.SYNDICATE_REDIS_PREFIX = system.env.redisPrefix;
      process.env.SYNDICATE_CONFIG = '/nonexistent/syndication.yaml';
      const cli = await runCli('items', 'delete', 'op-2', '--json');
      expect(cli.code, cli.stderr).toBe(0);
      expect(JSON.parse(cli.stdout).deleted).toMatchObject({ id: 'op-2', reason: 'operator', channels: ['all'] });
      const missing = await runCli('items', 'delete', 'op-2');
      expect(missing.code).not.toBe(0);
      expect(missing.stderr).toContain('SYN_ERR_NOT_FOUND');
    } finally {
      process.env = saved;
    }
    await waitFor('two operator deletions announced', () => events('item.deleted').filter((e) => e.data.reason === 'operator').length === 2, 20_000);
    const atom = (await app.inject({ method: 'GET', url: '/feeds/all.atom' })).body;
    for (const id of ['op-1', 'op-2']) expect(atom).toContain(`<at:deleted-entry ref="${storyUri(id)}"`);
  });
});
