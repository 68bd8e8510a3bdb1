import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type LoopbackServer } from '../support/http.js';
import { DOMAIN_NOTE, EDITORS_PICK, outletRules, outletWithoutFeed, PAYWALL, PROMO, SIDEBAR, STORIES } from '../support/outlet-without-feed.js';
import { READING_ROLES, startTestSystem, stopSystemAndServers, storedItemsOf } from '../support/system.js';

type System = Awaited<ReturnType<typeof startTestSystem>>;

describe('sites without a feed, read with extraction rules, through the running system', () => {
  let site: LoopbackServer;
  let system: System;

  const itemsOf = (sourceId: string, count: number) => storedItemsOf(system.ctx, sourceId, count);

  beforeAll(async () => {
    site = await startServer(outletWithoutFeed(() => site.url));
    const { cleanup, shared } = outletRules();
    system = await startTestSystem(
      'no-feed',
      {
        limits: { hostSpacing: '20ms', hostConcurrency: 2, fetchTimeout: '3s' },
        extractionRules: { [new URL(site.url).hostname]: shared },
        sources: [
          {
            id: 'gazette-html',
            name: 'Harbour Gazette',
            url: `${site.url}/latest`,
            interval: '1h',
            format: 'html',
            listing: { item: 'li.teaser', summary: '.dek' },
            cleanup,
          },
          {
            id: 'gazette-json',
            name: 'Harbour Gazette API',
            url: `${site.url}/api/latest.json`,
            interval: '1h',
            format: 'json',
            listing: { item: 'data.articles', title: 'headline', link: 'url', date: 'published', summary: 'teaser' },
            cleanup: { keepSelector: '.story-body' },
          },
        ],
      },
      READING_ROLES,
    );
  }, 30_000);

  afterAll(() => stopSystemAndServers(system, site), 30_000);

  it('format html: each linked entry of the listing page once, titled and dated from it, completed from its page', async () => {
    const items = await itemsOf('gazette-html', 2);
    expect(items.map((item) => item.url).sort()).toEqual([`${site.url}/news/breakwater`, `${site.url}/news/ferry`]);
    const breakwater = items.find((item) => item.url.endsWith('/news/breakwater'))!;
    expect(breakwater.title).toBe(STORIES['/news/breakwater']!.title);
    expect(breakwater.publishedAt).toBe('2026-01-05T09:30:00.000Z');
    expect(breakwater.kind).toBe('article');
    for (const paragraph of STORIES['/news/breakwater']!.paragraphs) expect(breakwater.contentText).toContain(paragraph);
    const status = await system.ctx.sourceStatus.get('gazette-html');
    expect(status.errorCode).toBeNull();
    expect(status.entriesSeen).toBe(2);
  });

  it('rules: the keep selector, removal selectors and patterns, and the shared rule set of the domain apply', async () => {
    const items = await itemsOf('gazette-html', 2);
    for (const item of items) {
      expect(item.contentText).not.toContain(SIDEBAR.slice(0, 40));
      expect(item.contentText).not.toContain(PROMO.slice(0, 40));
      expect(item.contentText).not.toContain(EDITORS_PICK);
      expect(item.contentText).not.toContain(DOMAIN_NOTE.slice(0, 40));
    }
  });

  it('the article URL rewrite: the page is read from its print view, the item keeps the article address', async () => {
    const items = await itemsOf('gazette-html', 2);
    const ferry = items.find((item) => item.url === `${site.url}/news/ferry`)!;
    for (const paragraph of STORIES['/news/ferry']!.paragraphs) expect(ferry.contentText).toContain(paragraph);
    expect(ferry.contentText).not.toContain(PAYWALL);
    expect(site.requests.some((r) => r.url.startsWith('/print/news/ferry'))).toBe(true);
    expect(site.requests.some((r) => r.url.split('?')[0] === '/news/ferry')).toBe(false);
  });

  it('format json: entries at the dot paths, relative links resolved, an entry without a link skipped', async () => {
    const [lighthouse, ...rest] = await itemsOf('gazette-json', 1);
    expect(rest).toEqual([]);
    expect(lighthouse!.url).toBe(`${site.url}/news/lighthouse`);
    expect(lighthouse!.title).toBe(STORIES['/news/lighthouse']!.title);
    expect(lighthouse!.publishedAt).toBe('2026-01-03T12:00:00.000Z');
    for (const paragraph of STORIES['/news/lighthouse']!.paragraphs) expect(lighthouse!.contentText).toContain(paragraph);
    // Only the shared rule set of the domain applies to this source beside its keep selector.
    expect(lighthouse!.contentText).not.toContain(DOMAIN_NOTE.slice(0, 40));
    expect(lighthouse!.contentText).not.toContain(SIDEBAR.slice(0, 40));
  });
});
