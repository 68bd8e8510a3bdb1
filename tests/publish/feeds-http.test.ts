import type { Job } from 'bullmq';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import { CHANNEL_STATE_TTL_MS } from '../../src/api/routes/feeds.js';
import { ItemStore } from '../../src/publish/item-store.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { PublishJob } from '../../src/queues/pipeline.js';
import { waitFor } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { articleItem, interviewItem } from './fixtures.js';

describe('feeds over HTTP: conditional GET and RFC 5005 archives', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  let app: FastifyInstance;
  const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);

  beforeAll(async () => {
    system = await startTestSystem(
      'feeds-http',
      {
        channels: [
          { id: 'all', title: 'Everything', pageSize: 2 },
          { id: 'interviews', title: 'Interviews', filter: { kind: 'interview' } },
        ],
      },
      [],
    );
    app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
  });

  afterAll(async () => {
    await app?.close();
    await system?.cleanup();
  });

  it('answers 304 to If-None-Match while nothing changed, and 200 with the new story after one is published', async () => {
    await publish({ event: 'item.published', item: interviewItem(1) });
    const first = await app.inject({ method: 'GET', url: '/feeds/interviews.atom' });
    expect(first.statusCode).toBe(200);
    expect(first.headers['cache-control']).toBe('public, max-age=60');
    expect(first.headers['last-modified']).toBeTruthy();
    const etag = String(first.headers.etag);
    for (let i = 0; i < 3; i++) {
      const again = await app.inject({ method: 'GET', url: '/feeds/interviews.atom', headers: { 'if-none-match': etag } });
      expect(again.statusCode).toBe(304);
      expect(again.body).toBe('');
    }
    const byDate = await app.inject({ method: 'GET', url: '/feeds/interviews.atom', headers: { 'if-modified-since': String(first.headers['last-modified']) } });
    expect(byDate.statusCode).toBe(304);
    // An article does not belong in the interviews channel: its feed stays unchanged.
    await publish({ event: 'item.published', item: articleItem(1) });
    expect((await app.inject({ method: 'GET', url: '/feeds/interviews.atom', headers: { 'if-none-match': etag } })).statusCode).toBe(304);

    await publish({ event: 'item.published', item: interviewItem(2) });
    const changed = await app.inject({ method: 'GET', url: '/feeds/interviews.atom', headers: { 'if-none-match': etag } });
    expect(changed.statusCode).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
    expect(changed.body).toContain('urn:syndicate:story:story-2');
    expect(changed.body).toContain('<link rel="hub" href="http://127.0.0.1:8080/websub"/>');
    expect(changed.body).toContain('<link rel="self" href="http://127.0.0.1:8080/feeds/interviews.atom"');
  });

  it('serves stable archive pages a returning subscriber can walk back through prev-archive, missing nothing', async () => {
    // "all" (page size 2) now holds interview 1, article 1, interview 2; add two more: 5 stories, 2 full pages.
    await publish({ event: 'item.published', item: articleItem(2) });
    await publish({ event: 'item.published', item: interviewItem(3) });
    const seen = new Set<string>();
    let url: string | undefined = '/feeds/all.json';
    const visited: string[] = [];
    while (url) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode, url).toBe(200);
      const doc = JSON.parse(res.body) as { items: Array<{ id: string }>; next_url?: string };
      for (const item of doc.items) seen.add(item.id);
      visited.push(url);
      url = doc.next_url?.replace('http://127.0.0.1:8080', '');
    }
    expect(visited).toEqual(['/feeds/all.json', '/feeds/all/archive/2.json', '/feeds/all/archive/1.json']);
    expect(seen.size).toBe(5);

    const page1 = await app.inject({ method: 'GET', url: '/feeds/all/archive/1.atom' });
    expect(page1.headers['cache-control']).toContain('max-age=86400');
    expect(page1.body).toContain('<fh:archive/>');
    expect(page1.body).toContain('rel="next-archive" href="http://127.0.0.1:8080/feeds/all/archive/2.atom"');
    // A newer story changes the channel, not the full archive page: its ETag still answers 304.
    await publish({ event: 'item.published', item: articleItem(3) });
    const again = await app.inject({ method: 'GET', url: '/feeds/all/archive/1.atom', headers: { 'if-none-match': String(page1.headers.etag) } });
    expect(again.statusCode).toBe(304);
    expect((await app.inject({ method: 'GET', url: '/feeds/all/archive/4.atom' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/feeds/all/archive/0.rss' })).statusCode).toBe(404);
    expect((await app.inject({ method: 'GET', url: '/feeds/nope.rss' })).statusCode).toBe(404);
    const rss = await app.inject({ method: 'GET', url: '/feeds/all/archive/3.rss' });
    expect(rss.statusCode).toBe(200);
    expect(rss.headers['content-type']).toContain('application/rss+xml');
  });

  it('re-renders only when the channel changes', async () => {
    const a = await app.inject({ method: 'GET', url: '/feeds/all.rss' });
    const b = await app.inject({ method: 'GET', url: '/feeds/all.rss' });
    expect(b.body).toBe(a.body);
    expect(b.headers.etag).toBe(a.headers.etag);
    // Another outlet carrying a story of the channel changes the document: a new ETag, the outlet listed.
    await publish({
      event: 'item.source_added',
      storyId: 'article-3',
      source: { id: 'ria', name: 'РИА Новости', url: 'https://ria.ru/', itemUrl: 'https://ria.ru/a3' },
    });
    const c = await app.inject({ method: 'GET', url: '/feeds/all.rss' });
    expect(c.headers.etag).not.toBe(a.headers.etag);
    expect(c.body).toContain('<dc:creator>РИА Новости</dc:creator>');
  });

  it('serves a change made by another process well within the cache TTL (pub/sub), and a channel edit at once', async () => {
    // Let the memo of this channel expire, then load it afresh: from here only a notice can refresh it before the TTL.
    await new Promise((resolve) => setTimeout(resolve, CHANNEL_STATE_TTL_MS + 50));
    const loadedAt = Date.now();
    const before = await app.inject({ method: 'GET', url: '/feeds/interviews.json' });
    // Another process: its own connection and store, announcing the change on Redis pub/sub only.
    const other = system.ctx.redis.duplicate();
    try {
      const store = new ItemStore(other, system.ctx.keys);
      await store.save(interviewItem(9), Date.now());
      await store.addToChannel('interviews', interviewItem(9), Date.now());
      const fresh = await waitFor(
        'the change to show',
        async () => {
          const res = await app.inject({ method: 'GET', url: '/feeds/interviews.json', headers: { 'if-none-match': String(before.headers.etag) } });
          return res.statusCode === 200 ? res : null;
        },
        5_000,
      );
      expect(Date.now() - loadedAt).toBeLessThan(CHANNEL_STATE_TTL_MS);
      expect(fresh.body).toContain('story-9');
    } finally {
      other.disconnect();
    }
    const put = await app.inject({
      method: 'PUT',
      url: '/api/v1/channels/interviews',
      headers: { authorization: 'Bearer test-admin-token' },
      payload: { id: 'interviews', title: 'Müsahibələr', filter: { kind: 'interview' } },
    });
    expect(put.statusCode).toBe(200);
    expect(JSON.parse((await app.inject({ method: 'GET', url: '/feeds/interviews.json' })).body).title).toBe('Müsahibələr');
  });
});
