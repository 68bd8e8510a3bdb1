import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseOpml } from '../../src/catalog/opml.js';
import { feedLinksOf } from '../../src/content/feed-discovery.js';
import { runCli } from '../support/cli.js';
import { startServer, type LoopbackServer } from '../support/http.js';
import { sourceStatusWhen, startTestSystem, stopSystemAndServers } from '../support/system.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

const rss = (title: string) =>
  `<?xml version="1.0"?><rss version="2.0"><channel><title>${title}</title><link>https://example.com/</link><item><title>${title} story</title><link>https://example.com/${title}</link><description>A story long enough to be one, from ${title}.</description><pubDate>7 дек 2026</pubDate></item></channel></rss>`;
const atom = (title: string) =>
  `<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>${title}</title><id>urn:x</id><updated>2026-12-07T10:00:00Z</updated><entry><title>${title} entry</title><id>urn:x:1</id><link href="https://example.com/a"/><updated>2026-12-07T10:00:00Z</updated><summary>An entry long enough to be a story of its own.</summary></entry></feed>`;
const jsonFeed = JSON.stringify({
  version: 'https://jsonfeed.org/version/1.1',
  title: 'J',
  items: [{ id: '1', url: 'https://example.com/j', title: 'J story', content_text: 'A JSON story long enough to count.' }],
});

const HOME = (base: string) => `<!doctype html><html><head><title>Outlet</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="text/html" hreflang="ru" href="/ru/">
<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">
<link rel="alternate" type="application/rss+xml" title="RSS" href="${base}/rss.xml">
<link rel="alternate" type="application/feed+json" title="JSON" href="feed.json">
</head><body><p>Welcome</p></body></html>`;

describe('discovery: a source whose URL is a home page', () => {
  let site: LoopbackServer;
  let bare: LoopbackServer;
  let system: System;

  beforeAll(async () => {
    site = await startServer((req, res) => {
      const path = req.url!.split('?')[0];
      const html = (body: string) => void res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
      if (path === '/') return html(HOME(site.url));
      if (path === '/atom.xml') return void res.writeHead(200, { 'content-type': 'application/atom+xml' }).end(atom('A'));
      if (path === '/rss.xml') return void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(rss('R'));
      if (path === '/feed.json') return void res.writeHead(200, { 'content-type': 'application/feed+json' }).end(jsonFeed);
      // A site that names no feed, but has one where sites usually put it.
      if (path === '/plain/') return html('<!doctype html><html><head><title>Plain</title></head><body>No links here.</body></html>');
      res.writeHead(404).end();
    });
    // A site with no feed anywhere: every path answers the same page.
    bare = await startServer((_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end('<html><body>Nothing</body></html>'));
    system = await startTestSystem(
      'discovery',
      {
        limits: { hostSpacing: '0s', hostConcurrency: 4 },
        sources: [
          { id: 'home', name: 'Outlet', url: `${site.url}/`, interval: '1h' },
          { id: 'bare', name: 'Bare', url: `${bare.url}/`, interval: '1h' },
        ],
      },
      ['scheduler', 'fetch'],
    );
  }, 30_000);

  afterAll(() => stopSystemAndServers(system, site, bare));

  it('reads the feed links of a page in document order, resolved, feeds only', () => {
    expect(feedLinksOf(HOME('https://outlet.example'), 'https://outlet.example/')).toEqual([
      { url: 'https://outlet.example/atom.xml', type: 'atom', title: 'Atom' },
      { url: 'https://outlet.example/rss.xml', type: 'rss', title: 'RSS' },
      { url: 'https://outlet.example/feed.json', type: 'json', title: 'JSON' },
    ]);
  });

  it('the fetch stage takes the first feed, stores it as the URL, lists the others in the status, and reads it', async () => {
    const status = await sourceStatusWhen(system.ctx, 'home', (s) => s.discovery && s.lastSuccessAt);
    expect(status.discovery!.feed).toBe(`${site.url}/atom.xml`);
    expect(status.discovery!.candidates.map((c) => c.type)).toEqual(['atom', 'rss', 'json']);
    expect(status.entriesSeen).toBe(1);
    expect(status.feedTitle).toBe('A');
    const source = (await system.ctx.catalog.get('sources', 'home'))!;
    expect(source.url).toBe(`${site.url}/atom.xml`);
    expect(source.homepage).toBe(`${site.url}/`);
  });

  it('a page that names no feed and has none at the usual paths is an error with its code, and polling goes on', async () => {
    const status = await sourceStatusWhen(system.ctx, 'bare', (s) => s.errorCode);
    expect(status.errorCode).toBe('SYN_ERR_NO_FEED_FOUND');
    expect(status.nextFetchAt).not.toBeNull();
    const probed = bare.requests.map((r) => r.url);
    for (const path of ['/feed', '/rss', '/atom.xml', '/feed.json']) expect(probed).toContain(path);
  });

  it('the usual paths are probed when the page names none, through the API too', async () => {
    const ops = (await import('../../src/runtime/catalog-operations.js')).CatalogOperations;
    await new ops(system.ctx).putSource({ id: 'plain', name: 'Plain', url: `${site.url}/plain/`, interval: '1h' });
    const status = await sourceStatusWhen(system.ctx, 'plain', (s) => s.discovery && s.lastSuccessAt);
    // /feed and /rss answer 404 here; /atom.xml is the first usual path that holds a feed.
    expect(status.discovery!.feed).toBe(`${site.url}/atom.xml`);
    expect((await system.ctx.catalog.get('sources', 'plain'))!.url).toBe(`${site.url}/atom.xml`);
  });

  it('OPML outlines with only a home page become sources at that page', () => {
    const sources = parseOpml(
      `<opml version="2.0"><body><outline text="Outlet" htmlUrl="${site.url}/"/><outline text="Feed" xmlUrl="${site.url}/rss.xml"/><outline text="Folder"><outline text="In" htmlUrl="${site.url}/plain/"/></outline></body></opml>`,
    );
    expect(sources.map((s) => s.url)).toEqual([`${site.url}/`, `${site.url}/rss.xml`, `${site.url}/plain/`]);
  });

  it('syndicate sources add shows the candidates of a home page and takes the one picked', async () => {
    const saved = { ...process.env };
    const configPath = join(mkdtempSync(join(tmpdir(), 'syndicate-discovery-')), 'syndication.yaml');
    writeFileSync(configPath, 'network:\n  allowHosts: [127.0.0.1]\n');
    process.env.SYNDICATE_CONFIG = configPath;
    process.env.REDIS_URL = system.env.redisUrl;
    process.env.SYNDICATE_REDIS_PREFIX = system.env.redisPrefix;
    try {
      const text = await runCli('sources', 'add', 'picked', `${site.url}/`, '--pick', '2', '--interval', '1h');
      expect(text.code).toBe(0);
      expect(text.stdout).toContain(`1. ${site.url}/atom.xml (atom, Atom) [default]`);
      expect(text.stdout).toContain(`3. ${site.url}/feed.json (json, JSON)`);
      expect(text.stdout).toContain(`added source picked (${site.url}/rss.xml)`);
      const stored = (await system.ctx.catalog.get('sources', 'picked'))!;
      expect(stored.url).toBe(`${site.url}/rss.xml`);
      expect(stored.homepage).toBe(`${site.url}/`);

      const json = await runCli('sources', 'add', 'first', `${site.url}/`, '--json');
      expect(json.code).toBe(0);
      const answer = JSON.parse(json.stdout);
      expect(answer.source.url).toBe(`${site.url}/atom.xml`);
      expect(answer.discovery.candidates).toHaveLength(3);

      const wrong = await runCli('sources', 'add', 'wrong', `${site.url}/`, '--pick', '9');
      expect(wrong.code).not.toBe(0);
      expect(wrong.stderr).toMatch(/pick 1 to 3/);
    } finally {
      process.env = saved;
    }
    // Each run reads the page in a sandbox thread of its own, which loads the parsers first.
  }, 90_000);
});
