import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { SyndicateError } from '../../src/core/errors.js';
import { decodeText } from '../../src/content/decode-text.js';
import { parseFeed } from '../../src/content/parse-feed.js';

/** One RSS item, for documents that differ only around it. */
const ITEM = '<item><title>First story</title><link>https://example.com/1</link><description>Body of the first story.</description></item>';

async function refusal(text: string): Promise<SyndicateError> {
  const error = await parseFeed(text).then(
    () => null,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SyndicateError);
  const refused = error as SyndicateError;
  expect(refused.code).toBe('SYN_ERR_PARSE_FAILED');
  // Only the project's words: no library exception text ever reaches the message.
  expect(refused.message).not.toMatch(/TypeError|Cannot read propert|undefined|Unexpected token|Line: \d/);
  return refused;
}

describe('tolerant input: feeds a mainstream reader reads are read, with the same entries', () => {
  it('<rss> without a version attribute (a podcast feed with HTML entities)', async () => {
    const feed = await parseFeed(`<rss xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"><channel><title>Caf&eacute; podcast</title>
      <item><title>Episode&nbsp;1</title><itunes:author>Ann Host</itunes:author><enclosure url="https://example.com/1.mp3" type="audio/mpeg" length="1"/><guid>https://example.com/ep/1</guid></item></channel></rss>`);
    expect(feed.title).toBe('Café podcast');
    expect(feed.entries).toHaveLength(1);
    expect(feed.entries[0]).toMatchObject({ title: 'Episode\u00a01', author: 'Ann Host', link: 'https://example.com/ep/1', imageUrl: null });
    expect(feed.warnings).toEqual(['undeclared entity &eacute;', 'undeclared entity &nbsp;']);
  });

  it('RSS without <channel>: items straight under <rss>', async () => {
    const feed = await parseFeed(`<rss version="2.0">${ITEM}</rss>`);
    expect(feed.entries.map((e) => e.title)).toEqual(['First story']);
    expect(feed.warnings).toEqual([]);
  });

  it('an empty RDF document is a feed with no entries, not an error', async () => {
    const feed = await parseFeed('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"></rdf:RDF>');
    expect(feed.entries).toEqual([]);
  });

  it('namespace-prefixed RSS (<r:rss xmlns:r=…>) and modules under unusual prefixes', async () => {
    const feed = await parseFeed(`<r:rss version="2.0" xmlns:r="http://backend.userland.com/rss2" xmlns:d="http://purl.org/dc/elements/1.1/">
      <r:channel><r:title>Prefixed</r:title><r:item><r:title>Prefixed item</r:title><r:link>https://example.com/p</r:link><d:creator>Dee</d:creator></r:item></r:channel></r:rss>`);
    expect(feed.title).toBe('Prefixed');
    expect(feed.entries[0]).toMatchObject({ title: 'Prefixed item', link: 'https://example.com/p', author: 'Dee' });
  });

  it('RSS 1.0 elements under an rss: prefix do not clash with a module of the same local name', async () => {
    const feed =
      await parseFeed(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:rss="http://purl.org/rss/1.0/" xmlns:x="http://example.com/other/">
      <rss:channel rdf:about="https://example.com/"><rss:title>T</rss:title></rss:channel>
      <rss:item rdf:about="https://example.com/a"><rss:title>A</rss:title><x:description>wrong description</x:description><rss:description>right description</rss:description></rss:item></rdf:RDF>`);
    expect(feed.entries[0]).toMatchObject({ summary: 'right description', guid: 'https://example.com/a', link: 'https://example.com/a' });
  });

  it('an unclosed root and an unescaped & in a link are read, with a warning', async () => {
    const feed = await parseFeed(
      `<?xml version="1.0"?><rss version="2.0"><channel><title>Cut short</title><item><title>Q&A</title><link>https://example.com/?a=1&b=2</link></item>`,
    );
    expect(feed.entries[0]).toMatchObject({ title: 'Q&A', link: 'https://example.com/?a=1&b=2' });
    expect(feed.warnings).toContain('unescaped & (2 times)');
    expect(feed.warnings).toContain('unclosed <rss>');
  });

  it('entities declared in the DOCTYPE are expanded; nested declarations (billion laughs) are refused', async () => {
    const feed = await parseFeed(
      `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY brand "Example &#38; Co">]><rss version="2.0"><channel><title>&brand;</title>${ITEM}</channel></rss>`,
    );
    expect(feed.title).toBe('Example & Co');
    const bomb = `<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><rss version="2.0"><channel><title>&b;</title>${ITEM}</channel></rss>`;
    expect((await refusal(bomb)).message).toMatch(/nested entities/);
  });

  it('"<!DOCTYPE" inside a CDATA section is text, not a declaration', async () => {
    const feed = await parseFeed('<rss><item><description><![CDATA[ <!DOCTYPE ]]></description></item></rss>');
    expect(feed.entries[0]!.summary?.trim()).toBe('<!DOCTYPE');
  });

  it('CDF (Channel Definition Format) channels', async () => {
    const feed = await parseFeed(
      '<!-- a comment first --><CHANNEL HREF="https://example.com/"><TITLE>CDF</TITLE><ITEM HREF="https://example.com/i" LASTMOD="2004-04-06T23:05:43-05:00"><TITLE>Item</TITLE><ABSTRACT>Abstract text</ABSTRACT></ITEM></CHANNEL>',
    );
    expect(feed.entries[0]).toMatchObject({ title: 'Item', link: 'https://example.com/i', summary: 'Abstract text', updatedAt: '2004-04-07T04:05:43.000Z' });
  });

  it('a well-formed RSS 2.0 feed reads the same on the fast path (rss-parser) and the lenient one', async () => {
    const body = `<channel><title>Same</title><link>https://example.com/</link>
      <item><title>One &amp; two</title><link>https://example.com/1</link><guid isPermaLink="false">id-1</guid><pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate>
        <dc:creator>Desk</dc:creator><dcterms:modified>2025-06-11T09:00:00Z</dcterms:modified><category>World</category>
        <description>&lt;p&gt;Summary&lt;/p&gt;</description><content:encoded><![CDATA[<p>Full body</p>]]></content:encoded><media:thumbnail url="https://example.com/t.jpg"/></item></channel>`;
    const ns =
      'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/"';
    const fast = await parseFeed(`<rss version="2.0" ${ns}>${body}</rss>`);
    // Without a version rss-parser refuses the document: the lenient reader takes it.
    const lenient = await parseFeed(`<rss ${ns}>${body}</rss>`);
    expect(lenient.entries).toEqual(fast.entries);
    expect(fast.entries[0]).toMatchObject({
      title: 'One & two',
      guid: 'id-1',
      link: 'https://example.com/1',
      author: 'Desk',
      updatedAt: '2025-06-11T09:00:00.000Z',
      categories: ['World'],
      imageUrl: 'https://example.com/t.jpg',
    });
  });

  it('an ill-formed versioned RSS 2.0 feed falls back from rss-parser to the lenient reader', async () => {
    const feed = await parseFeed(
      `<rss version="2.0"><channel><title>Bad</title><item><title>One</titel><link>https://example.com/1</link></item><item><title>Two</title></item></channel></rss>`,
    );
    expect(feed.entries.map((e) => e.title)).toEqual(['One', 'Two']);
    expect(feed.warnings).toEqual(['unclosed <title>']);
  });

  it('self-closing elements are no unclosed ones', async () => {
    const feed = await parseFeed(
      `<rss><channel><item><title>E</title><enclosure url="https://example.com/1.mp3" type="audio/mpeg"/><guid>g</guid></item></channel></rss>`,
    );
    expect(feed.warnings).toEqual([]);
  });
});

describe('tolerant input: encodings a reader detects', () => {
  const doc = `<?xml version="1.0" encoding="utf-16"?><rss version="2.0"><channel><title>Ελληνικά</title>${ITEM}</channel></rss>`;

  it.each([
    ['UTF-16LE without a BOM', iconv.encode(doc, 'utf-16le')],
    ['UTF-16BE without a BOM', iconv.encode(doc, 'utf-16be')],
    ['UTF-32LE without a BOM', iconv.encode(doc, 'utf-32le')],
    ['UTF-32BE without a BOM', iconv.encode(doc, 'utf-32be')],
    ['UTF-32LE with a BOM', Buffer.concat([Buffer.from([0xff, 0xfe, 0, 0]), iconv.encode(doc, 'utf-32le')])],
    ['UTF-32BE with a BOM', Buffer.concat([Buffer.from([0, 0, 0xfe, 0xff]), iconv.encode(doc, 'utf-32be')])],
  ])('%s', async (_name, bytes) => {
    const feed = await parseFeed(decodeText(bytes));
    expect(feed.title).toBe('Ελληνικά');
    expect(feed.entries).toHaveLength(1);
  });

  it('a prolog claiming UTF-16 over 8-bit bytes is not believed', async () => {
    const feed = await parseFeed(decodeText(Buffer.from(doc, 'utf8')));
    expect(feed.title).toBe('Ελληνικά');
  });

  it('windows-1252 punctuation: Latin-1 labels, C1 controls in UTF-8 and numeric references all read as ’', async () => {
    const latin1 = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="iso-8859-1"?><rss version="2.0"><channel><item><title>don'),
      Buffer.from([0x92]),
      Buffer.from('t</title></item></channel></rss>'),
    ]);
    const c1InUtf8 = Buffer.from('<rss version="2.0"><channel><item><title>don\u0092t</title></item></channel></rss>', 'utf8');
    const reference = Buffer.from('<rss version="2.0"><channel><item><title>don&#146;t</title></item></channel></rss>');
    for (const bytes of [latin1, c1InUtf8, reference]) expect((await parseFeed(decodeText(bytes))).entries[0]!.title).toBe('don\u2019t');
  });
});

describe("tolerant input: only a document with no recognizable feed is refused, in the project's words", () => {
  it('an HTML page', async () => {
    expect((await refusal('<!DOCTYPE html><html><body><p>Hello</p></body></html>')).message).toMatch(/HTML page/);
  });

  it('XML that is no feed', async () => {
    expect((await refusal('<?xml version="1.0"?><catalog><book>One</book></catalog>')).message).toBe(
      'not a feed: no RSS, RDF or Atom feed in the document (its root element is <catalog>)',
    );
  });

  it('plain text and empty input', async () => {
    await refusal('just some words');
    await refusal('');
  });

  it('JSON that is not a JSON Feed, and JSON that is not JSON', async () => {
    expect((await refusal('{"hello": "world"}')).message).toMatch(/not a JSON Feed/);
    expect((await refusal('{"version": ')).message).toMatch(/^not valid JSON/);
    await refusal('{"version": "https://jsonfeed.org/version/1.1", "items": null}');
  });

  it('malformed JSON Feed items are skipped with a warning, the rest read', async () => {
    const feed = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 7,
        items: [null, 'text', { id: 5, title: ['not', 'a', 'string'], url: 'https://example.com/ok', authors: 'nobody' }],
      }),
    );
    expect(feed.entries).toHaveLength(1);
    expect(feed.entries[0]).toMatchObject({ guid: '5', title: '', link: 'https://example.com/ok', author: null });
    expect(feed.warnings).toEqual(['JSON Feed item 0 is not an object (null): skipped', 'JSON Feed item 1 is not an object (string): skipped']);
  });
});
