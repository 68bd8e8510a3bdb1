import { describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../src/content/feed-entry.js';
import { parseFeedDate } from '../../src/content/feed-date.js';
import { parseFeed } from '../../src/content/parse-feed.js';
import { normalizeEntry } from '../../src/normalize/normalize-entry.js';

const ATOM = 'xmlns="http://www.w3.org/2005/Atom"';
const NS =
  'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:media="http://search.yahoo.com/mrss/" xmlns:xhtml="http://www.w3.org/1999/xhtml"';

const atomEntry = async (inner: string, ns = ATOM): Promise<FeedEntry> =>
  (await parseFeed(`<feed ${ns}><title>A</title><entry>${inner}</entry></feed>`)).entries[0]!;
const rssItem = async (inner: string, version = ' version="2.0"'): Promise<FeedEntry> =>
  (await parseFeed(`<rss${version} ${NS}><channel><title>R</title><item>${inner}</item></channel></rss>`)).entries[0]!;
const base64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

describe('text constructs (RFC 4287 §3.1, Atom 0.3 modes)', () => {
  it('type="text" is plain text, even when it reads like markup', async () => {
    const entry = await atomEntry('<title type="text">Less &lt;b&gt; is more</title><content type="text">Example Atom</content>');
    expect(entry.title).toBe('Less <b> is more');
    expect(entry.contentHtml).toBe('<p>Example Atom</p>');
  });

  it('type="html" is escaped HTML: the title becomes its text, the body stays HTML', async () => {
    const entry = await atomEntry(
      '<title type="html">&lt;b&gt;Bold&lt;/b&gt; &amp;amp; news</title><content type="html">&lt;p&gt;Body &lt;em&gt;here&lt;/em&gt;&lt;/p&gt;</content>',
    );
    expect(entry.title).toBe('Bold & news');
    expect(entry.contentHtml).toBe('<p>Body <em>here</em></p>');
  });

  it('type="xhtml": inline markup, its wrapper div dropped; an xhtml summary is not raw <div> markup', async () => {
    const entry = await atomEntry(
      '<title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">Example <b>Atom</b></div></title><summary type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Short <a href="https://example.com/x">link</a></p></div></summary>',
    );
    expect(entry.title).toBe('Example Atom');
    expect(entry.summary).toBe('<p>Short <a href="https://example.com/x">link</a></p>');
  });

  it('Atom 0.3 mode="escaped" and mode="base64", and RFC 4287 base64 for non-text MIME types', async () => {
    const atom03 = 'version="0.3" xmlns="http://purl.org/atom/ns#"';
    const escaped = await atomEntry('<title mode="escaped" type="text/html">&lt;i&gt;Escaped&lt;/i&gt; title</title>', atom03);
    expect(escaped.title).toBe('Escaped title');
    const encoded = await atomEntry(
      `<title mode="base64" type="text/html">${base64('<p>History of the &lt;blink&gt; tag</p>')}</title><summary mode="base64" type="text/html">${base64('Example <b>Atom</b>')}</summary>`,
      atom03,
    );
    expect(encoded.title).toBe('History of the <blink> tag');
    expect(encoded.summary).toBe('Example <b>Atom</b>');
    const octets = await atomEntry(`<content type="application/octet-stream">\n${base64('<p>Decoded body</p>')}\n</content>`);
    expect(octets.contentHtml).toBe('<p>Decoded body</p>');
  });

  it('naked inline markup in an untyped Atom 0.3 summary is HTML', async () => {
    const entry = await atomEntry('<summary>Example <b>Atom</b></summary>', 'version="0.3" xmlns="http://purl.org/atom/ns#"');
    expect(entry.summary).toBe('Example <b>Atom</b>');
  });

  it('RSS: description and content:encoded are HTML; a title with markup becomes its text', async () => {
    const entry = await rssItem(
      '<title>Title with &lt;b&gt;bold&lt;/b&gt;</title><description>safe&lt;iframe src="https://example.com/" /&gt; description</description><content:encoded><![CDATA[<p>Body</p>]]></content:encoded>',
    );
    expect(entry.title).toBe('Title with bold');
    expect(entry.summary).toBe('safe<iframe src="https://example.com/" /> description');
    expect(entry.contentHtml).toBe('<p>Body</p>');
  });
});

describe('dates from every common element', () => {
  it.each([
    ['pubDate', '<pubDate>Wed, 31 Dec 2003 10:14:55 GMT</pubDate>', 'publishedAt'],
    ['dc:date', '<dc:date>2003-12-31T10:14:55Z</dc:date>', 'publishedAt'],
    ['dcterms:issued', '<dcterms:issued>2003-12-31T10:14:55Z</dcterms:issued>', 'publishedAt'],
    ['dcterms:created', '<dcterms:created>2003-12-31T05:14:55-05:00</dcterms:created>', 'publishedAt'],
    ['dcterms:modified', '<dcterms:modified>2003-12-31T10:14:55Z</dcterms:modified>', 'updatedAt'],
  ] as const)('RSS %s', async (_name, xml, field) => {
    expect((await rssItem(xml))[field]).toBe('2003-12-31T10:14:55.000Z');
  });

  it.each([
    ['published', 'publishedAt'],
    ['issued', 'publishedAt'],
    ['created', 'publishedAt'],
    ['updated', 'updatedAt'],
    ['modified', 'updatedAt'],
  ] as const)('Atom %s', async (name, field) => {
    expect((await atomEntry(`<${name}>2003-12-31T10:14:55Z</${name}>`))[field]).toBe('2003-12-31T10:14:55.000Z');
  });

  it('JSON Feed date_published and date_modified', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        items: [{ id: '1', date_published: '2003-12-31T10:14:55Z', date_modified: '2004-01-01T00:00:00+01:00' }],
      }),
    );
    expect(feed.entries[0]).toMatchObject({ publishedAt: '2003-12-31T10:14:55.000Z', updatedAt: '2003-12-31T23:00:00.000Z' });
  });

  it('RFC 822 and W3C-DTF in the shapes feeds write them', () => {
    expect(parseFeedDate('Sat, 01 Jan 00 00:00 EST')).toBe('2000-01-01T05:00:00.000Z');
    expect(parseFeedDate('31 Dec 2003 10:14:55 +0100')).toBe('2003-12-31T09:14:55.000Z');
    expect(parseFeedDate('2003-12-31')).toBe('2003-12-31T00:00:00.000Z');
    expect(parseFeedDate('2003-12-31T10:14+02:00')).toBe('2003-12-31T08:14:00.000Z');
    expect(parseFeedDate('2003-12-31T10:14:55.5Z')).toBe('2003-12-31T10:14:55.500Z');
    expect(parseFeedDate('not a date')).toBeNull();
    expect(parseFeedDate('')).toBeNull();
  });
});

describe('authors', () => {
  it.each([
    ['author', '<author>editor@example.com (Example editor)</author>', 'editor@example.com (Example editor)'],
    ['dc:creator', '<dc:creator>Example creator</dc:creator>', 'Example creator'],
    ['dc:author', '<dc:author>Example editor</dc:author>', 'Example editor'],
    ['itunes:author', '<itunes:author>Podcast host</itunes:author>', 'Podcast host'],
  ])('RSS %s', async (_name, xml, author) => {
    expect((await rssItem(xml)).author).toBe(author);
  });

  it('Atom author name, email and uri', async () => {
    expect((await atomEntry('<author><name>Ann</name><email>ann@example.com</email></author>')).author).toBe('Ann (ann@example.com)');
    expect((await atomEntry('<author><email>ann@example.com</email></author>')).author).toBe('ann@example.com');
    expect((await atomEntry('<author><uri>https://example.com/ann</uri></author>')).author).toBe('https://example.com/ann');
  });

  it('JSON Feed authors (1.1) and author (1.0)', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        items: [
          { id: 'a', authors: [{ url: 'https://x' }, { name: 'Second' }] },
          { id: 'b', author: { name: 'Old style' } },
        ],
      }),
    );
    expect(feed.entries.map((e) => e.author)).toEqual(['Second', 'Old style']);
  });
});

describe('links and ids', () => {
  it('a permalink guid is the link; isPermaLink="false" is only an id', async () => {
    expect(await rssItem('<guid>https://example.com/permalink</guid>')).toMatchObject({
      guid: 'https://example.com/permalink',
      link: 'https://example.com/permalink',
    });
    expect(await rssItem('<guid isPermaLink="false">https://example.com/opaque</guid>')).toMatchObject({ guid: 'https://example.com/opaque', link: null });
    expect((await rssItem('<link>https://example.com/l</link><guid>https://example.com/g</guid>')).link).toBe('https://example.com/l');
  });

  it('Atom alternate among other links, and Atom id', async () => {
    const entry = await atomEntry(
      '<id>urn:x</id><link rel="enclosure" href="https://example.com/a.mp3"/><link rel="alternate" type="text/html" href="https://example.com/page"/>',
    );
    expect(entry).toMatchObject({ guid: 'urn:x', link: 'https://example.com/page' });
  });

  it('rdf:about is the id (and the link when the item has none)', async () => {
    const feed = await parseFeed(
      '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"><item rdf:about="https://example.com/r"><title>R</title></item></rdf:RDF>',
    );
    expect(feed.entries[0]).toMatchObject({ guid: 'https://example.com/r', link: 'https://example.com/r' });
  });

  it('JSON Feed url, external_url, and an id that is a URL', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1',
        items: [{ id: 1, url: 'https://example.com/u' }, { id: 2, external_url: 'https://example.com/e' }, { id: 'https://example.com/i' }],
      }),
    );
    expect(feed.entries.map((e) => [e.guid, e.link])).toEqual([
      ['1', 'https://example.com/u'],
      ['2', 'https://example.com/e'],
      ['https://example.com/i', 'https://example.com/i'],
    ]);
  });
});

describe('bodies, enclosures and Media RSS', () => {
  it('content:encoded, Atom content, description, xhtml:body and fullitem', async () => {
    expect((await rssItem('<content:encoded>&lt;p&gt;Encoded&lt;/p&gt;</content:encoded>')).contentHtml).toBe('<p>Encoded</p>');
    expect((await rssItem('<body xmlns="http://www.w3.org/1999/xhtml"><p>Example content</p></body>', '')).contentHtml).toBe('<p>Example content</p>');
    expect((await rssItem('<xhtml:body><p>Prefixed body</p></xhtml:body>')).contentHtml).toBe('<p>Prefixed body</p>');
    expect((await rssItem('<fullitem>&lt;p&gt;Full item&lt;/p&gt;</fullitem>')).contentHtml).toBe('<p>Full item</p>');
    expect((await atomEntry('<content type="html">&lt;p&gt;Atom body&lt;/p&gt;</content>')).contentHtml).toBe('<p>Atom body</p>');
  });

  it('a description beside a summary is the body', async () => {
    expect(await rssItem('<summary>Example summary</summary><description>Example description</description>')).toMatchObject({
      summary: '<p>Example summary</p>',
      contentHtml: 'Example description',
    });
  });

  it('summaries from itunes:summary and media:description when nothing else says', async () => {
    expect((await rssItem('<itunes:summary>Podcast summary</itunes:summary>')).summary).toBe('<p>Podcast summary</p>');
    expect(
      (
        await atomEntry(
          '<media:group><media:description type="plain">Test Description</media:description><media:title>Group title</media:title></media:group>',
          `${ATOM} xmlns:media="http://search.yahoo.com/mrss/"`,
        )
      ).summary,
    ).toBe('<p>Test Description</p>');
  });

  it('media:title is the title only when there is no title', async () => {
    expect((await rssItem('<media:title>bar</media:title>', '')).title).toBe('bar');
    expect((await rssItem('<title>foo</title><media:title>bar</media:title>', '')).title).toBe('foo');
  });

  it('JSON Feed content_html and content_text', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        items: [
          { id: 'h', content_html: '<p>Html</p>', content_text: 'Text version' },
          { id: 't', content_text: 'First line & more\n\nSecond paragraph' },
        ],
      }),
    );
    expect(feed.entries[0]).toMatchObject({ contentHtml: '<p>Html</p>', summary: '<p>Text version</p>' });
    expect(feed.entries[1]!.contentHtml).toBe('<p>First line &amp; more</p><p>Second paragraph</p>');
  });

  it('images from an image enclosure, media:content, media:thumbnail (also inside media:group) and itunes:image', async () => {
    expect((await rssItem('<enclosure url="https://example.com/e.jpg" type="image/jpeg" length="1"/>')).imageUrl).toBe('https://example.com/e.jpg');
    expect(
      (
        await rssItem(
          '<enclosure url="https://example.com/e.mp3" type="audio/mpeg" length="1"/><media:content url="https://example.com/m.jpg" medium="image"/>',
        )
      ).imageUrl,
    ).toBe('https://example.com/m.jpg');
    expect((await rssItem('<media:group><media:thumbnail url="https://example.com/t.jpg"/></media:group>')).imageUrl).toBe('https://example.com/t.jpg');
    expect((await rssItem('<itunes:image href="https://example.com/i.jpg"/>')).imageUrl).toBe('https://example.com/i.jpg');
  });
});

describe("furniture removal never deletes an entry's only text", () => {
  const source = { id: 'src', name: 'Source', homepage: 'https://example.com/' };
  const entry = (contentHtml: string, title = 'Example item'): FeedEntry => ({
    guid: 'g',
    link: 'https://example.com/1',
    title,
    publishedAt: null,
    updatedAt: null,
    author: null,
    summary: null,
    contentHtml,
    categories: [],
    imageUrl: null,
    language: null,
  });

  it.each([
    ['a short body without sentence punctuation', 'Example description'],
    ['a styled two-word body', '<span style="color: red;">Some text</span>'],
    ['lines parted by <br>', 'article title<br /><br /> article byline<br /><br />text of article'],
  ])('%s', (_name, html) => {
    const item = normalizeEntry(entry(html), source, '2025-06-10T09:00:00.000Z');
    expect(item.contentText).not.toBe('');
    expect(item.summary).not.toBe('');
  });

  it('a body holding only a script is HTML, never text with markup in it', () => {
    const item = normalizeEntry(entry('safe<script type="text/javascript">location.href="/x";</script> description'), source, '2025-06-10T09:00:00.000Z');
    expect(item.summary).toBe('safe description');
    expect(item.contentText).not.toContain('<script');
  });

  it("the feed's own summary beside a full body is the item's summary", () => {
    const item = normalizeEntry(
      { ...entry('<p>The full body of the story, which is long enough to be one.</p>'), summary: '<p>What the publisher wrote to sum it up.</p>' },
      source,
      '2025-06-10T09:00:00.000Z',
    );
    expect(item.summary).toBe('What the publisher wrote to sum it up.');
  });
});
