import { describe, expect, it } from 'vitest';
import { capPageHtml, documentCaps, flattenDeepHtml } from '../../src/content/caps.js';
import { capJsonItems, parseFeed } from '../../src/content/parse-feed.js';

const caps = documentCaps({ maxFeedBytes: 10 * 1024 * 1024 });

describe('caps applied before the expensive step', () => {
  it('flattens HTML nested past the depth cap, keeping its text, and leaves ordinary HTML as it is', () => {
    const deep = `${'<div>'.repeat(1000)}text${'</div>'.repeat(1000)}`;
    const flat = flattenDeepHtml(deep, 256);
    expect(flat.match(/<div>/g)).toHaveLength(256);
    expect(flat.match(/<\/div>/g)).toHaveLength(256);
    expect(flat).toContain('text');
    // Unclosed paragraphs and list items, void elements: no level each.
    const ordinary = `<section>${'<p>one<br>two<li>three<img src=x>'.repeat(2000)}</section>`;
    expect(flattenDeepHtml(ordinary, 256)).toBe(ordinary);
  });

  it('cuts a page text run past the item cap at a space, before the page is parsed, and says so', () => {
    const page = `<html><body><article><p>${'word '.repeat(300_000)}</p></article></body></html>`;
    const capped = capPageHtml(page, { maxItemChars: 10_000, maxDepth: 256, maxBlocks: 5000 });
    expect(capped.truncated).toBe(true);
    expect(capped.html.length).toBeLessThan(10_200);
    expect(capped.html).toMatch(/word<\/p><\/article><\/body><\/html>$/);
    expect(capPageHtml('<p>short</p>', caps)).toEqual({ html: '<p>short</p>', truncated: false });
    const many = capPageHtml(`<body>${'<p>para</p>'.repeat(6000)}</body>`, caps);
    expect(many).toEqual({ html: `<body>${'<p>para</p>'.repeat(5000)}`, truncated: true });
  });

  it('cuts a JSON Feed to the entry cap before parsing it, and refuses JSON nested past the depth cap', () => {
    const doc = JSON.stringify({
      version: 'https://jsonfeed.org/version/1.1',
      title: 'J "items": [',
      items: Array.from({ length: 10 }, (_, i) => ({ id: `j${i}`, tags: ['a,b', '[', ']'] })),
      x: 1,
    });
    const capped = capJsonItems(doc, 3, 256);
    expect(capped.dropped).toBe(7);
    expect((JSON.parse(capped.text) as { items: Array<{ id: string }> }).items.map((i) => i.id)).toEqual(['j0', 'j1', 'j2']);
    expect(capJsonItems(doc, 10, 256)).toEqual({ text: doc, dropped: 0 });
    expect(() => capJsonItems(`{"items":${'['.repeat(300)}${']'.repeat(300)}}`, 10, 256)).toThrow(/deeper than 256/);
  });

  it('reads a feed of 200 000 tiny entries only as far as the entry cap, and says so', async () => {
    const rss = `<rss version="2.0"><channel><title>Many</title>${Array.from({ length: 200_000 }, (_, i) => `<item><guid>g${i}</guid></item>`).join('')}</channel></rss>`;
    const feed = await parseFeed(rss, 500, { limits: caps });
    expect(feed.entries).toHaveLength(500);
    expect(feed.entries[499]!.guid).toBe('g499');
    expect(feed.title).toBe('Many');
    expect(feed.warnings).toEqual(['entries past the entry cap (500) left out unread']);
  });

  it('skips the children of one element past the cap when reading leniently', async () => {
    const atom = `<feed xmlns="http://www.w3.org/2005/Atom"><title>A</title><entry><id>a</id><title>T</title>${'<category term="x"/>'.repeat(6000)}</entry></feed>`;
    const feed = await parseFeed(atom, 500, { limits: caps });
    expect(feed.entries).toHaveLength(1);
    expect(feed.warnings).toEqual([`elements past ${caps.maxChildren} in one element left out (1002 times)`]);
  });
});
