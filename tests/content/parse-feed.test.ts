import { describe, expect, it } from 'vitest';
import { parseFeed } from '../../src/content/parse-feed.js';

describe('feed formats', () => {
  it('RSS 1.0 (RDF) with Dublin Core dates and creator', async () => {
    const feed = await parseFeed(`<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
  <channel rdf:about="https://example.com/"><title>RDF feed</title><link>https://example.com/</link><dc:language>ru</dc:language></channel>
  <item rdf:about="https://example.com/1"><title>First</title><link>https://example.com/1</link><description>Short</description>
    <dc:date>2025-06-10T09:00:00+04:00</dc:date><dc:creator>Ivan</dc:creator></item>
</rdf:RDF>`);
    expect(feed.title).toBe('RDF feed');
    expect(feed.entries).toHaveLength(1);
    expect(feed.entries[0]).toMatchObject({ title: 'First', link: 'https://example.com/1', publishedAt: '2025-06-10T05:00:00.000Z', author: 'Ivan' });
  });

  it('RSS 0.91', async () => {
    const feed = await parseFeed(`<?xml version="1.0"?><rss version="0.91"><channel><title>Old</title><link>https://example.com/</link><language>en</language>
      <item><title>Legacy</title><link>https://example.com/legacy</link><description>Text</description></item></channel></rss>`);
    expect(feed.entries[0]).toMatchObject({ title: 'Legacy', link: 'https://example.com/legacy', language: 'en' });
  });

  it('RSS 2.0 with content:encoded, Media RSS, enclosures, <ttl> and a WebSub hub', async () => {
    const feed =
      await parseFeed(`<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:media="http://search.yahoo.com/mrss/" xmlns:atom="http://www.w3.org/2005/Atom">
      <channel><title>Rich</title><link>https://example.com/</link><ttl>30</ttl>
        <atom:link rel="hub" href="https://hub.example/"/><atom:link rel="self" href="https://example.com/rss"/>
        <item><title>With media</title><link>https://example.com/m</link><description>Summary</description><content:encoded><![CDATA[<p>Full body</p>]]></content:encoded>
          <media:content url="https://example.com/photo.jpg" medium="image"/></item>
        <item><title>With enclosure</title><link>https://example.com/e</link><enclosure url="https://example.com/e.jpg" type="image/jpeg" length="1"/></item>
        <item><title>Thumb</title><link>https://example.com/t</link><media:thumbnail url="https://example.com/t.jpg"/></item>
      </channel></rss>`);
    expect(feed).toMatchObject({ ttlMinutes: 30, hubUrl: 'https://hub.example/', selfUrl: 'https://example.com/rss' });
    expect(feed.entries[0]).toMatchObject({ summary: 'Summary', contentHtml: '<p>Full body</p>', imageUrl: 'https://example.com/photo.jpg' });
    expect(feed.entries[1]!.imageUrl).toBe('https://example.com/e.jpg');
    expect(feed.entries[2]!.imageUrl).toBe('https://example.com/t.jpg');
  });

  it('Atom 1.0 and Atom 0.3', async () => {
    const atom1 =
      await parseFeed(`<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>A1</title><link rel="alternate" href="https://example.com/"/><link rel="hub" href="https://hub.example/"/>
      <entry><id>urn:1</id><title>Entry</title><link href="https://example.com/a"/><published>2025-06-10T09:00:00Z</published><updated>2025-06-11T09:00:00Z</updated><author><name>Ann</name></author><content type="html">&lt;p&gt;Body&lt;/p&gt;</content></entry></feed>`);
    expect(atom1).toMatchObject({ link: 'https://example.com/', hubUrl: 'https://hub.example/' });
    expect(atom1.entries[0]).toMatchObject({
      guid: 'urn:1',
      link: 'https://example.com/a',
      publishedAt: '2025-06-10T09:00:00.000Z',
      updatedAt: '2025-06-11T09:00:00.000Z',
      author: 'Ann',
    });
    const atom03 =
      await parseFeed(`<?xml version="1.0"?><feed version="0.3" xmlns="http://purl.org/atom/ns#"><title>A03</title><link rel="alternate" type="text/html" href="https://example.com/"/>
      <entry><id>urn:2</id><title>Old entry</title><link rel="alternate" type="text/html" href="https://example.com/b"/><issued>2004-06-10T09:00:00Z</issued><modified>2004-06-11T09:00:00Z</modified><summary>Short</summary></entry></feed>`);
    expect(atom03.entries[0]).toMatchObject({
      guid: 'urn:2',
      title: 'Old entry',
      link: 'https://example.com/b',
      publishedAt: '2004-06-10T09:00:00.000Z',
      updatedAt: '2004-06-11T09:00:00.000Z',
    });
  });

  it('JSON Feed 1.0 and 1.1', async () => {
    const v10 = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1',
        title: 'J',
        items: [{ id: 1, url: 'https://example.com/j', content_text: 'Hello', date_published: '2025-06-10T09:00:00Z', author: { name: 'Old' } }],
      }),
    );
    expect(v10.entries[0]).toMatchObject({ guid: '1', author: 'Old', contentHtml: '<p>Hello</p>' });
    const v11 = await parseFeed(
      JSON.stringify({
        version: 'https://jsonfeed.org/version/1.1',
        title: 'J',
        language: 'az',
        hubs: [{ type: 'WebSub', url: 'https://hub.example/' }],
        items: [{ id: 'x', url: 'https://example.com/x', content_html: '<p>x</p>', image: 'https://example.com/x.jpg', authors: [{ name: 'New' }] }],
      }),
    );
    expect(v11).toMatchObject({ hubUrl: 'https://hub.example/', language: 'az' });
    expect(v11.entries[0]).toMatchObject({ author: 'New', imageUrl: 'https://example.com/x.jpg', language: 'az' });
  });
});
