import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/content/parse-feed.js';
import { normalizeEntry } from '../../src/normalize/normalize-entry.js';
import type { NormalizedItem } from '../../src/core/item.js';

const SOURCE = { id: 'fixture', name: 'Fixture Outlet', homepage: 'https://outlet.example/' };
const FETCHED_AT = '2026-01-02T03:04:05.000Z';

const firstItem = async (feed: string): Promise<NormalizedItem> => {
  const parsed = await parseFeed(feed);
  return normalizeEntry(parsed.entries[0]!, SOURCE, FETCHED_AT);
};

const rss = (item: string) =>
  `<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>T</title><item><link>https://outlet.example/a</link>${item}</item></channel></rss>`;
const atom03 = (entry: string) => `<feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>T</title><entry>${entry}</entry></feed>`;

describe('what frames and objects hold is their fallback text, never the frame', () => {
  it('an iframe in escaped content: the tag goes, the words and their emphasis stay', async () => {
    const item = await firstItem(
      atom03(
        '<content type="text/html" mode="escaped">Lead&lt;iframe src="https://player.example/v/1"&gt; &lt;i&gt;watch it here&lt;/i&gt;&lt;/iframe&gt;</content>',
      ),
    );
    expect(item.contentHtml).not.toMatch(/<iframe/i);
    expect(item.contentText.replace(/\s+/g, ' ')).toBe('Lead watch it here');
    expect(item.contentHtml).toContain('<i>watch it here</i>');
  });

  it('an object in a description: its fallback reads in the summary and the body, its classid nowhere', async () => {
    const item = await firstItem(
      rss('<description>Clip&lt;object classid="clsid:0001" data="x.swf"&gt;&lt;param name="a" value="b"&gt; unavailable&lt;/object&gt;</description>'),
    );
    expect(item.summary).toBe('Clip unavailable');
    expect(item.contentHtml).not.toMatch(/<object|<param|classid/i);
  });

  it('scripts inside a frame still go with their code', async () => {
    const item = await firstItem(rss('<description>Kept&lt;iframe&gt;&lt;script&gt;steal()&lt;/script&gt; text&lt;/iframe&gt;</description>'));
    expect(item.contentText).not.toContain('steal');
    expect(item.contentText).toContain('text');
  });
});

describe('an inline SVG summary reads as its own title', () => {
  it('the SVG title is the text; no markup reaches the summary', async () => {
    const item = await firstItem(
      rss(
        '<description>&lt;svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"&gt;&lt;title&gt;Red dot chart&lt;/title&gt;&lt;circle r="4"/&gt;&lt;/svg&gt;</description>',
      ),
    );
    expect(item.summary).toBe('Red dot chart');
    expect(item.contentHtml).not.toMatch(/<svg/i);
  });

  it('a page title element outside SVG is still no text', async () => {
    const item = await firstItem(rss('<description>&lt;title&gt;Site name&lt;/title&gt;Actual words</description>'));
    expect(item.summary).toBe('Actual words');
  });
});

describe('a CDATA section inside HTML content', () => {
  it('is shown as text, and the script in it still goes (it does not swallow the body)', async () => {
    const item = await firstItem(rss('<content:encoded><![CDATA[<p>Before</p><![CDATA[<script>x()</script>]]&gt;<p>After</p>]]></content:encoded>'));
    expect(item.contentHtml).not.toMatch(/<script/i);
    expect(item.contentText).toContain('Before');
    expect(item.contentText).toContain('After');
    expect(item.contentText.replace(/\s+/g, '')).toContain('<![CDATA[]]>');
  });
});

describe('titles given as HTML are read once', () => {
  it('base64 HTML with an escaped tag name keeps the words, inert', async () => {
    const html = Buffer.from('<p>Why &lt;marquee&gt; scrolls</p>', 'utf8').toString('base64');
    const item = await firstItem(atom03(`<title mode="base64">${html}</title>`));
    expect(item.title.replace(/\s+/g, '')).toBe('Why<marquee>scrolls');
    expect(item.title).not.toMatch(/<[a-z]/i);
  });

  it('inline XHTML with an escaped tag name', async () => {
    const item = await firstItem(
      atom03('<title type="application/xhtml+xml"><div xmlns="http://www.w3.org/1999/xhtml">The &lt;center&gt; element</div></title>'),
    );
    expect(item.title.replace(/\s+/g, '')).toBe('The<center>element');
    expect(item.title).not.toMatch(/<[a-z]/i);
  });
});
