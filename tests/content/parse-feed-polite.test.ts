import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/content/parse-feed.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { escape, seedPage } from '../support/seed.js';
import { startTestSystem } from '../support/system.js';
import { items, rss } from '../fetch/feeds.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

/** Gaps between the arrival times of consecutive requests, in ms. */
const gaps = (times: number[]) => times.slice(1).map((at, i) => at - times[i]!);

/** Figures these tests measured, printed at the end (recorded in the branch notes). */
const measured: Record<string, unknown> = {};

const HOST_SPACING_MS = 500;

describe('polite to the letter, as a publisher sees us (loopback servers)', () => {
  let fresh: LoopbackServer;
  let still: LoopbackServer;
  let moved: LoopbackServer;
  let system: System;

  beforeAll(async () => {
    // Cache-Control: max-age=1 on a 200 ms base interval, and a new entry on every request (so the adaptive
    // interval stays at the base and the floor is what binds): no poll may come within 1 s of the previous one.
    fresh = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml', 'cache-control': 'max-age=1' }).end(rss(items(fresh.requests.length + 1, 'Fresh')));
    });
    // One 200 with one entry, then 304 to every conditional GET.
    still = await startServer((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') return void res.writeHead(304, { etag: '"v1"' }).end();
      res.writeHead(200, { 'content-type': 'application/rss+xml', etag: '"v1"' }).end(rss(items(1, 'Still')));
    });
    // A feed behind a 301, whose one teaser entry links to an article page behind another 301, all on one host.
    moved = await startServer((req, res) => {
      const path = req.url.split('?')[0];
      if (path === '/old-feed') return void res.writeHead(301, { location: '/feed' }).end();
      if (path === '/feed')
        return void res.writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(`<?xml version="1.0"?><rss version="2.0"><channel><title>Moved</title><link>${moved.url}/</link>
<item><title>${escape('Grigory Trofimchuk: Russia has no choice – INTERVIEW')}</title><link>${moved.url}/old-page</link><guid>moved-1</guid><description>Russian expert Grigory Trofimchuk speaks about the new regional order.</description></item></channel></rss>`);
      if (path === '/old-page') return void res.writeHead(301, { location: '/page' }).end();
      if (path === '/page') return void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(seedPage());
      res.writeHead(404).end();
    });
    system = await startTestSystem(
      'polite',
      {
        limits: { hostSpacing: `${HOST_SPACING_MS}ms`, hostConcurrency: 2, fetchTimeout: '5s', shutdownGrace: '1s' },
        sources: [
          { id: 'fresh', name: 'Fresh', url: `${fresh.url}/feed`, interval: '200ms', fullText: 'never' },
          { id: 'still', name: 'Still', url: `${still.url}/feed`, interval: '200ms', fullText: 'never' },
          { id: 'moved', name: 'Moved', url: `${moved.url}/old-feed`, interval: '1h', fullText: 'auto' },
        ],
      },
      ['scheduler', 'fetch'],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
    await Promise.all([fresh?.close(), still?.close(), moved?.close()]);
    console.info(`polite-fetching measured: ${JSON.stringify(measured)}`);
  }, 30_000);

  it('never polls before the max-age floor, jitter on, over many polls', async () => {
    await waitFor('eight polls of the fresh feed', () => fresh.requests.length >= 8, 20_000);
    const between = gaps(fresh.requests.map((r) => r.at));
    measured.floorGapsMs = between;
    expect(between.length).toBeGreaterThanOrEqual(7);
    for (const gap of between) expect(gap).toBeGreaterThanOrEqual(1_000);
    // The jitter is still on: the polls are not all the same distance apart.
    expect(new Set(between).size).toBeGreaterThan(1);
  });

  it('after a 304 the status shows what that check did, beside the running totals', async () => {
    await waitFor('two 304s', () => still.requests.filter((r) => r.headers['if-none-match']).length >= 2, 10_000);
    const status = await waitFor('the status of a 304', async () => {
      const s = await system.ctx.sourceStatus.get('still');
      return s.httpStatus === 304 && s.totals.notModified >= 2 ? s : null;
    });
    measured.statusAfter304 = {
      httpStatus: status.httpStatus,
      notModified: status.notModified,
      entriesSeen: status.entriesSeen,
      newEntries: status.newEntries,
      lastFetchAt: status.lastFetchAt,
      totals: status.totals,
    };
    expect(status).toMatchObject({ httpStatus: 304, notModified: true, entriesSeen: 0, newEntries: 0, totals: { newEntries: 1 }, errorCode: null });
    expect(status.totals.fetches).toBe(status.totals.notModified + 1);
    // The time of the check: the latest request the server saw, not the 200 that brought the entry.
    const checkedAt = Date.parse(status.lastFetchAt ?? '');
    const checks = still.requests.map((r) => r.at).filter((at) => at <= checkedAt + 50);
    expect(checkedAt).toBeGreaterThan(still.requests[0]!.at);
    expect(Math.abs(checkedAt - checks[checks.length - 1]!)).toBeLessThan(50);
    expect(status.lastSuccessAt).toBe(status.lastFetchAt);
  });

  it('spaces every request to a host, redirect hops and the article page included', async () => {
    await waitFor('the article page behind its redirect', () => moved.requests.find((r) => r.url === '/page'), 15_000);
    const sequence = moved.requests.map((r) => r.url);
    expect(sequence).toEqual(['/old-feed', '/feed', '/old-page', '/page']);
    const between = gaps(moved.requests.map((r) => r.at));
    measured.hopGapsMs = between;
    // A slot is given back when its answer is in, and the next starts the spacing after that: strictly, as the host sees it.
    for (const gap of between) expect(gap).toBeGreaterThanOrEqual(HOST_SPACING_MS);
    const status = await waitFor('the moved source status', async () => {
      const s = await system.ctx.sourceStatus.get('moved');
      return s.fullText.fetched ? s : null;
    });
    expect(status.fullText.fetched).toBe(1);
  });
});

describe('the Syndication module as a floor', () => {
  it('reads sy:updatePeriod and sy:updateFrequency from RSS 1.0 and RSS 2.0', async () => {
    const rdf = `<?xml version="1.0"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/">
<channel rdf:about="https://example.com/"><title>T</title><link>https://example.com/</link><description>d</description><sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>2</sy:updateFrequency></channel>
<item rdf:about="https://example.com/1"><title>One</title><link>https://example.com/1</link></item></rdf:RDF>`;
    expect((await parseFeed(rdf)).updatePeriodMinutes).toBe(30);
    const rss2 = `<?xml version="1.0"?><rss version="2.0" xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"><channel><title>T</title><link>https://example.com/</link><sy:updatePeriod>daily</sy:updatePeriod><item><title>One</title><guid>1</guid></item></channel></rss>`;
    expect((await parseFeed(rss2)).updatePeriodMinutes).toBe(1_440);
    expect((await parseFeed(rss(items(1)))).updatePeriodMinutes).toBeNull();
  });
});
