import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NormalizedItem } from '../../src/core/item.js';
import type { AppContext } from '../../src/runtime/context.js';
import { startServer, type LoopbackServer } from '../support/http.js';
import { escape, expectedTurns, seedPage, TITLE } from '../support/seed.js';
import { READING_ROLES, startTestSystem, stopSystemAndServers, storedItemsOf } from '../support/system.js';
import { assignTurnIds } from '../../src/core/turn-ids.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

const ONE_LINE = 'Russian expert Grigory Trofimchuk speaks to News.Az about the new regional order.';

/** Teasers of the other sources: each a different story, so the dedup stage keeps them apart. */
const TEASERS: Record<string, string> = {
  'never-1': 'The city council approved a new budget for public transport on Tuesday evening.',
  'broken-1': 'Farmers in the south expect a record grape harvest after a mild and rainy spring.',
  'ssrf-1': 'A new bridge over the river will open to traffic next month, the ministry said.',
  'empty-1': 'The museum reopens on Saturday after two years of repairs to its roof and its halls.',
};

/**
/** An RSS feed with one item that carries only a one-line description and a link to its article page. */
const teaserFeed = (base: string, title: string, path: string, guid: string) => `<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>News.Az</title><link>${base}/</link>
<item><title>${escape(title)}</title><link>${base}${path}?utm_source=rss&amp;utm_medium=feed</link><guid isPermaLink="false">${guid}</guid>
<description>${escape(TEASERS[guid] ?? ONE_LINE)}</description></item>
</channel></rss>`;

/** The first stored item of a source, once there is one. */
const itemOf = async (ctx: AppContext, sourceId: string): Promise<NormalizedItem> => (await storedItemsOf(ctx, sourceId, 1, 20_000)).at(-1)!;

describe('full text: an entry with only a summary is completed from its article page', () => {
  let site: LoopbackServer;
  let system: System;
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();

  beforeAll(async () => {
    site = await startServer((req, res) => {
      const path = req.url!.split('?')[0];
      if (path === '/feed/auto')
        return void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(teaserFeed(site.url, TITLE, '/news/grigory-trofimchuk-russia-has-no-choice', 'auto-1'));
      if (path === '/feed/never')
        return void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(teaserFeed(site.url, 'Never fetched: a teaser stays a teaser', '/never/page', 'never-1'));
      if (path === '/feed/ssrf')
        return void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(teaserFeed('http://169.254.169.254', 'Metadata: a private address stays unfetched', '/latest/meta-data', 'ssrf-1'));
      if (path === '/feed/broken')
        return void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(teaserFeed(site.url, 'Broken page: the summary survives', '/broken/page', 'broken-1'));
      if (path === '/news/grigory-trofimchuk-russia-has-no-choice' || path === '/never/page')
        return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(seedPage());
      if (path === '/broken/page') return void res.writeHead(500).end('internal error');
      res.writeHead(404).end();
    });
    system = await startTestSystem(
      'full-text',
      {
        // One request at a time per host, 250 ms apart: the article pages must queue behind the feeds like any request.
        limits: { hostSpacing: '250ms', hostConcurrency: 1, fetchTimeout: '2s' },
        sources: [
          { id: 'auto', name: 'News.Az', url: `${site.url}/feed/auto`, interval: '1h' },
          { id: 'never', name: 'News.Az never', url: `${site.url}/feed/never`, interval: '1h', fullText: 'never' },
          { id: 'broken', name: 'News.Az broken', url: `${site.url}/feed/broken`, interval: '1h' },
          { id: 'ssrf', name: 'Metadata', url: `${site.url}/feed/ssrf`, interval: '1h', fullText: 'always' },
        ],
      },
      READING_ROLES,
    );
  });

  afterAll(() => stopSystemAndServers(system, site), 30_000);

  it('fullText auto: the stored item is the interview with its 4 turns, canonical URL and page metadata', async () => {
    const item = await itemOf(system.ctx, 'auto');
    expect(item.kind).toBe('interview');
    expect(item.interview!.qa).toEqual(assignTurnIds(expectedTurns()));
    expect(item.interview!.qa).toHaveLength(4);
    expect(item.title).toBe(TITLE);
    expect(item.url).toBe(`${site.url}/news/grigory-trofimchuk-russia-has-no-choice`);
    expect(item.publishedAt).toBe('2025-06-10T09:00:00.000Z');
    expect(item.updatedAt).toBe('2025-06-10T10:30:00.000Z');
    expect(item.author).toBe('News.Az');
    expect(item.images.map((i) => i.url)).toContain(`${site.url}/uploads/2025/06/trofimchuk.jpg`);
    expect(item.contentText).not.toMatch(/Most read|Facebook|All rights reserved/);
    const { fullText } = await system.ctx.sourceStatus.get('auto');
    expect(fullText).toEqual({ fetched: 1, errors: 0, lastError: null });
  });

  it('fullText never: the page is not fetched and the item keeps the summary', async () => {
    const item = await itemOf(system.ctx, 'never');
    expect(item.kind).toBe('article');
    expect(item.contentText).toBe(TEASERS['never-1']);
    expect(site.requests.some((r) => r.url.startsWith('/never/page'))).toBe(false);
  });

  it('a page that answers 500 leaves the summary and records the error on the source status', async () => {
    const item = await itemOf(system.ctx, 'broken');
    expect(item.contentText).toBe(TEASERS['broken-1']);
    expect(item.url).toBe(`${site.url}/broken/page`);
    const status = await system.ctx.sourceStatus.get('broken');
    expect(status.fullText).toMatchObject({ errors: 1, lastError: { code: 'SYN_ERR_FETCH_HTTP_STATUS', url: expect.stringContaining('/broken/page') } });
    expect(status.fullText.lastError?.message).toContain('500');
    // The feed itself was fine: the source is not in error.
    expect(status.errorCode).toBeNull();
  });

  it('article pages go through the address guard: a link to cloud metadata is refused, the summary kept', async () => {
    const item = await itemOf(system.ctx, 'ssrf');
    expect(item.contentText).toBe(TEASERS['ssrf-1']);
    const { fullText } = await system.ctx.sourceStatus.get('ssrf');
    expect(fullText.lastError?.code).toBe('SYN_ERR_FETCH_BLOCKED_ADDRESS');
  });

  it('article pages obey the host politeness: one at a time, spaced like feed polls', async () => {
    await itemOf(system.ctx, 'auto');
    await itemOf(system.ctx, 'broken');
    const starts = site.requests.map((r) => r.at).sort((a, b) => a - b);
    expect(site.requests.filter((r) => !r.url.startsWith('/feed/')).length).toBe(2);
    // 250 ms between request starts, less a little for the clocks of the test and the server, and less the
    // longest stall of the event loop this server shares with the workers: reading an article page is
    // synchronous work, during which a request that has arrived is stamped late.
    const stallMs = loopDelay.max / 1e6;
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(240 - stallMs);
  });
});

describe('full text: a page with no article in it', () => {
  let site: LoopbackServer;
  let system: System;
  /** Answers 200 but holds no article: a script-rendered shell with navigation only. */
  const EMPTY_PAGE =
    '<!doctype html><html><head><title>Museum</title></head><body><nav><a href="/">Home</a></nav><div id="app"></div><script>render()</script></body></html>';

  beforeAll(async () => {
    site = await startServer((req, res) => {
      const path = req.url!.split('?')[0];
      if (path === '/feed/empty')
        return void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(teaserFeed(site.url, 'Empty page: the summary survives', '/empty/page', 'empty-1'));
      if (path === '/empty/page') return void res.writeHead(200, { 'content-type': 'text/html' }).end(EMPTY_PAGE);
      res.writeHead(404).end();
    });
    system = await startTestSystem(
      'full-text-empty',
      { sources: [{ id: 'empty', name: 'News.Az empty', url: `${site.url}/feed/empty`, interval: '1h' }] },
      READING_ROLES,
    );
  });

  afterAll(() => stopSystemAndServers(system, site), 30_000);

  it('leaves the summary and records SYN_ERR_NO_ARTICLE on the source status', async () => {
    const item = await itemOf(system.ctx, 'empty');
    expect(item.contentText).toBe(TEASERS['empty-1']);
    const { fullText } = await system.ctx.sourceStatus.get('empty');
    expect(fullText).toMatchObject({ errors: 1, lastError: { code: 'SYN_ERR_NO_ARTICLE', url: expect.stringContaining('/empty/page') } });
    expect(fullText.lastError?.message).toContain('no article text found');
  });
});
