import { gzipSync } from 'node:zlib';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.js';
import type { AppContext } from '../../src/runtime/context.js';
import { scheduleSource } from '../../src/scheduler/source-scheduler.js';
import { startServer, waitFor, type LoopbackServer } from '../support/http.js';
import { queuedEntries } from '../support/queued.js';
import { sourceStatusWhen, startTestSystem } from '../support/system.js';
import { items, rss } from './feeds.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

const statusOf = (ctx: AppContext, id: string) => ctx.sourceStatus.get(id);
const entriesOf = async (ctx: AppContext, id: string) =>
  (await queuedEntries(ctx.queues.normalize, ['waiting', 'prioritized', 'delayed', 'active', 'completed']))
    .filter((j) => j.data.sourceId === id)
    .map((j) => j.data.entry);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('fetch stage against misbehaving loopback servers', () => {
  const servers: Record<string, LoopbackServer> = {};
  let system: System;
  let revived = false;
  const CYRILLIC = 'Интервью: Россия и новый региональный порядок';

  beforeAll(async () => {
    servers.conditional = await startServer((req, res) => {
      if (req.headers['if-none-match'] === '"v1"') {
        res.statusCode = 304;
        return void res.end();
      }
      res.setHeader('etag', '"v1"');
      res.setHeader('last-modified', 'Tue, 10 Jun 2025 09:00:00 GMT');
      res.end(rss(items(3, 'Conditional')));
    });
    servers.moved = await startServer((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(308, { location: '/c' }).end();
      else res.end(rss(items(2, 'Moved')));
    });
    servers.loop = await startServer((req, res) => void res.writeHead(302, { location: `/${Number(req.url!.slice(1)) + 1}` }).end());
    servers.gone = await startServer((_req, res) => (revived ? void res.end(rss(items(1, 'Back'))) : void res.writeHead(410).end('gone')));
    servers.missing = await startServer((_req, res) => void res.writeHead(404).end('not here'));
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    servers.bomb = await startServer((_req, res) => void res.writeHead(200, { 'content-encoding': 'gzip', 'content-type': 'application/rss+xml' }).end(bomb));
    servers.slow = await startServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/rss+xml' });
      const body = rss(items(1));
      let i = 0;
      const timer = setInterval(() => (i < body.length && !res.destroyed ? res.write(body[i++]) : clearInterval(timer)), 1000);
      res.on('close', () => clearInterval(timer));
    });
    servers.mislabelled = await startServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml; charset=windows-1251' }).end(rss([{ title: CYRILLIC }])),
    );
    servers.cp1251 = await startServer(
      (_req, res) =>
        void res
          .writeHead(200, { 'content-type': 'application/rss+xml' })
          .end(iconv.encode(rss([{ title: CYRILLIC }], { encoding: 'windows-1251' }), 'windows-1251')),
    );
    servers.koi8 = await startServer(
      (_req, res) => void res.writeHead(200, { 'content-type': 'text/xml; charset=koi8-r' }).end(iconv.encode(rss([{ title: CYRILLIC }]), 'koi8-r')),
    );
    servers.huge = await startServer((_req, res) => void res.end(rss(items(3000, 'Huge'))));
    const laughs = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY lol "lol">${Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i || ''};`.repeat(10)}">`).join('')}]><rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title></item></channel></rss>`;
    servers.laughs = await startServer((_req, res) => void res.end(laughs));
    // Ill-formed: an undeclared HTML entity, a bare & and the closing tags missing; a reader reads it anyway.
    servers.illformed = await startServer(
      (_req, res) =>
        void res.end('<rss><channel><title>Ill&nbsp;formed</title><item><title>Q&A</title><link>https://example.com/a?x=1&y=2</link><guid>ill-1</guid></item>'),
    );

    system = await startTestSystem(
      'fetch-hostile',
      {
        limits: { fetchTimeout: '500ms', maxFeedBytes: 2 * 1024 * 1024, maxEntriesPerFetch: 50, hostSpacing: '0ms', shutdownGrace: '1s' },
        // fullText: never: the teaser items of these feeds link to example.com; article pages have a test of their own (full-text.test.ts).
        sources: [
          { id: 'conditional', name: 'C', url: `${servers.conditional.url}/feed`, interval: '150ms', fullText: 'never' },
          { id: 'moved', name: 'M', url: `${servers.moved.url}/a`, interval: '150ms', fullText: 'never' },
          { id: 'loop', name: 'R', url: `${servers.loop!.url}/0`, interval: '1h', fullText: 'never' },
          { id: 'gone', name: 'G', url: `${servers.gone.url}/feed`, interval: '100ms', fullText: 'never' },
          { id: 'missing', name: 'N', url: `${servers.missing.url}/feed`, interval: '100ms', fullText: 'never' },
          { id: 'bomb', name: 'B', url: `${servers.bomb.url}/feed`, interval: '1h', fullText: 'never' },
          { id: 'slow', name: 'S', url: `${servers.slow.url}/feed`, interval: '1h', fullText: 'never' },
          { id: 'mislabelled', name: 'L', url: `${servers.mislabelled.url}/feed`, interval: '1h', fullText: 'never' },
          { id: 'cp1251', name: 'W', url: `${servers.cp1251.url}/feed`, interval: '1h', fullText: 'never' },
          { id: 'koi8', name: 'K', url: `${servers.koi8.url}/feed`, interval: '1h', fullText: 'never' },
          { id: 'huge', name: 'H', url: `${servers.huge.url}/feed`, interval: '1h', fullText: 'never' },
          { id: 'laughs', name: 'X', url: `${servers.laughs.url}/feed`, interval: '1h', fullText: 'never' },
          { id: 'illformed', name: 'I', url: `${servers.illformed.url}/feed`, interval: '1h', fullText: 'never' },
        ],
      },
      ['scheduler', 'fetch'],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
    await Promise.all(Object.values(servers).map((s) => s.close()));
  }, 60_000);

  it('304: sends If-None-Match / If-Modified-Since, and a 304 hands nothing downstream', async () => {
    await waitFor('three conditional fetches', () => servers.conditional!.requests.length >= 3);
    const [first, second] = servers.conditional!.requests;
    expect(first!.headers['if-none-match']).toBeUndefined();
    expect(second!.headers['if-none-match']).toBe('"v1"');
    expect(second!.headers['if-modified-since']).toBe('Tue, 10 Jun 2025 09:00:00 GMT');
    const status = await sourceStatusWhen(system.ctx, 'conditional', (s) => s.httpStatus === 304, 10_000);
    expect(Date.parse(status.nextFetchAt!)).toBeGreaterThan(0);
    expect(status.intervalMs).toBeGreaterThan(150); // a quiet feed is polled less often
    expect(await entriesOf(system.ctx, 'conditional')).toHaveLength(3);
  });

  it('301/308 chain: followed, and seen on consecutive fetches it moves the stored URL', async () => {
    const source = await waitFor('the URL to move', async () => {
      const s = await system.ctx.catalog.get('sources', 'moved');
      return s?.url.endsWith('/c') ? s : null;
    });
    expect(source.url).toBe(`${servers.moved!.url}/c`);
    const status = await statusOf(system.ctx, 'moved');
    expect(status.redirect?.from).toBe(`${servers.moved!.url}/a`);
    const before = servers.moved!.requests.length;
    await waitFor('a fetch of the new URL', () => servers.moved!.requests.length > before + 1);
    expect(servers.moved!.requests.at(-1)!.url).toBe('/c');
    expect(await entriesOf(system.ctx, 'moved')).toHaveLength(2);
  });

  it('follows at most 5 redirects', async () => {
    const status = await sourceStatusWhen(system.ctx, 'loop', (s) => s.errorCode, 18_000);
    expect(status.errorMessage).toContain('more than 5 redirects');
    expect(servers.loop!.requests).toHaveLength(6);
  });

  it('shows the source status in the API: times, HTTP status, interval, entries, redirect', async () => {
    const app = await buildApp({ ctx: system.ctx, adminToken: 'test-admin-token' });
    const response = await app.inject({ method: 'GET', url: '/api/v1/sources/moved', headers: { authorization: 'Bearer test-admin-token' } });
    await app.close();
    const { source } = response.json() as { source: { url: string; status: Record<string, unknown> } };
    expect(source.url).toBe(`${servers.moved!.url}/c`);
    // Typed: numbers as numbers, times as ISO 8601, the redirect as one object; the poller's internals left out.
    expect(source.status).toMatchObject({
      httpStatus: 200,
      errorCode: null,
      redirect: { from: `${servers.moved!.url}/a`, to: `${servers.moved!.url}/c` },
      entriesSeen: 2,
      consecutiveErrors: 0,
      gone: false,
    });
    for (const field of ['lastFetchAt', 'lastSuccessAt', 'nextFetchAt'])
      expect(new Date(source.status[field] as string).toISOString(), field).toBe(source.status[field]);
    expect(source.status.intervalMs).toBeGreaterThan(0);
    for (const internal of ['etag', 'lastModified', 'permanentRedirectSeen', 'permanentRedirectTarget', 'currentInterval', 'nextFetchAtIso'])
      expect(source.status, internal).not.toHaveProperty(internal);
  });

  it('410: marks the source gone and stops polling it', async () => {
    const status = await sourceStatusWhen(system.ctx, 'gone', (s) => s.gone, 10_000);
    expect(status.errorCode).toBe('SYN_ERR_FETCH_GONE');
    await sleep(500);
    expect(servers.gone!.requests).toHaveLength(1);
    // An operator re-adding the source (PUT in the API) revives it once the server answers again.
    revived = true;
    await scheduleSource(system.ctx, (await system.ctx.catalog.get('sources', 'gone'))!, Date.now());
    await waitFor('revival', async () => (await statusOf(system.ctx, 'gone')).httpStatus === 200);
    expect((await statusOf(system.ctx, 'gone')).gone).toBe(false);
  });

  it('404: an error with exponential backoff, still probed', async () => {
    await waitFor('four probes of the 404 source', () => servers.missing!.requests.length >= 4, 5_000);
    const at = servers.missing!.requests.map((r) => r.at);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // at least 100, 200, 400 ms less 10 % jitter (a loaded machine only adds latency)
    expect(gaps[0]!).toBeGreaterThanOrEqual(90);
    expect(gaps[1]!).toBeGreaterThanOrEqual(180);
    expect(gaps[2]!).toBeGreaterThanOrEqual(360);
    const status = await statusOf(system.ctx, 'missing');
    expect(status.errorCode).toBe('SYN_ERR_FETCH_HTTP_STATUS');
    expect(status.consecutiveErrors).toBeGreaterThanOrEqual(3);
    expect(status.intervalMs).toBe(100 * 2 ** (status.consecutiveErrors - 1));
  });

  it('a gzip bomb stops at the byte cap after decompression', async () => {
    const status = await sourceStatusWhen(system.ctx, 'bomb', (s) => s.errorCode, 10_000);
    expect(status.errorCode).toBe('SYN_ERR_FETCH_TOO_LARGE');
  });

  it('a server sending one byte a second times out', async () => {
    const status = await sourceStatusWhen(system.ctx, 'slow', (s) => s.errorCode, 15_000);
    expect(status.errorCode).toBe('SYN_ERR_FETCH_TIMEOUT');
  });

  it('charsets: a mislabelled UTF-8 feed stays UTF-8; windows-1251 (prolog) and koi8-r (header) are decoded', async () => {
    for (const id of ['mislabelled', 'cp1251', 'koi8']) {
      const [entry] = await waitFor(`${id} entries`, async () => ((await entriesOf(system.ctx, id)).length ? entriesOf(system.ctx, id) : null));
      expect(entry!.title, id).toBe(CYRILLIC);
    }
  });

  it('a huge feed is capped to maxEntriesPerFetch', async () => {
    // Waits for the success: a failed fetch also writes entriesSeen (0, what it saw).
    const status = await sourceStatusWhen(system.ctx, 'huge', (s) => s.lastSuccessAt, 18_000);
    expect(status.entriesSeen, JSON.stringify(status)).toBe(50);
    expect(await entriesOf(system.ctx, 'huge')).toHaveLength(50);
  });

  it('a billion-laughs document is refused without expanding anything', async () => {
    const status = await sourceStatusWhen(system.ctx, 'laughs', (s) => s.errorCode, 10_000);
    expect(status.errorCode).toBe('SYN_ERR_PARSE_FAILED');
    expect(await entriesOf(system.ctx, 'laughs')).toHaveLength(0);
  });

  it('an ill-formed feed is read leniently and its status says what was wrong', async () => {
    const status = await sourceStatusWhen(system.ctx, 'illformed', (s) => s.lastSuccessAt, 10_000);
    expect(status.errorCode).toBeNull();
    expect(status.parseWarning).toBe('undeclared entity &nbsp;; unescaped & (2 times); unclosed <channel>; unclosed <rss>');
    const [entry] = await entriesOf(system.ctx, 'illformed');
    expect(entry).toMatchObject({ title: 'Q&A', link: 'https://example.com/a?x=1&y=2' });
  });
});
