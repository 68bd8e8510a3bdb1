import { load } from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import { analyzeArticle, type ArticleAnalysis } from '../../src/normalize/article/analyze-article.js';
import { extractPageMetadata } from '../../src/content/page-metadata.js';
import { seed, TITLE, PAGE_URL, CANONICAL, CAPTION, paragraphs, expectedTurns, escape, seedPage } from '../support/seed.js';
import { assignTurnIds } from '../../src/core/turn-ids.js';

/** The page as an RSS 2.0 item whose content:encoded carries the page's HTML; read back as a feed parser would. */
function seedRssItem(): { title: string; link: string; html: string } {
  const rss = `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>News.Az</title><link>https://news.az/</link>
<item><title>${escape(TITLE)}</title><link>${escape(PAGE_URL)}</link>
<content:encoded><![CDATA[${seedPage()}]]></content:encoded></item></channel></rss>`;
  const $ = load(rss, { xml: true });
  const item = $('item').first();
  return { title: item.children('title').text(), link: item.children('link').text(), html: item.children('content\\:encoded').text() };
}

function checkDoneWhen(result: ArticleAnalysis): void {
  expect(result.kind).toBe('interview');
  const interview = result.interview!;
  expect(interview.interviewee).toEqual({ name: 'Grigory Trofimchuk', role: 'Russian international affairs expert' });
  expect(interview.interviewer).toBe('News.Az');
  expect(interview.headline).toBe('Russia has no choice but to accept the new regional order');
  expect(interview.qa).toEqual(assignTurnIds(expectedTurns()));
  expect(interview.qa).toHaveLength(4);
  expect(interview.intro).toBe(paragraphs.slice(2, 4).join('\n\n'));
  expect(result.images).toEqual(expect.arrayContaining([expect.objectContaining({ caption: CAPTION, credit: 'AZERTAC' })]));
  expect(result.language).toBe('en');

  const texts = [interview.intro, result.contentText, ...interview.qa.flatMap((t) => [t.question, t.answer])];
  for (const text of texts) {
    expect(text).not.toMatch(/News about|Photo: Flickr|\(Photo: AZERTAC\)|\bChosen\b|news\.az|2Sources|News\.Az\u00a0|^EN$/m);
    expect(text).not.toContain(CAPTION);
    expect(text.split('\n')).not.toContain('3');
    expect(text.split('\n')).not.toContain('1');
  }
  expect(result.contentText.endsWith('the alliance between Baku and Ankara cannot be ignored.')).toBe(true);
  expect(result.contentHtml).toContain(
    '<p class="q"><strong>What are your forecasts regarding the current state of Russian-Azerbaijani relations?</strong></p>',
  );
  expect(result.contentHtml).not.toMatch(/<script|onclick|javascript:|News about|Chosen/);
}

describe('the seed interview (News.Az, Grigory Trofimchuk)', () => {
  it('the expected turns are read off the seed: 4 of them', () => {
    expect(expectedTurns()).toHaveLength(4);
  });

  it('normalizes from the scraped plain text', () => {
    const result = analyzeArticle({ title: TITLE, html: seed, sourceName: 'News.Az' });
    checkDoneWhen(result);
    expect(result.images).toEqual([
      { url: '', credit: 'Flickr' },
      { url: '', caption: CAPTION, credit: 'AZERTAC' },
    ]);
  });

  it('normalizes from an RSS item whose content:encoded is the page HTML', () => {
    const item = seedRssItem();
    const result = analyzeArticle({ title: item.title, html: item.html, baseUrl: item.link, sourceName: 'News.Az', language: 'en' });
    checkDoneWhen(result);
    expect(result.images).toEqual([
      { url: 'https://news.az/uploads/2025/06/kremlin.jpg', credit: 'Flickr' },
      { url: 'https://news.az/uploads/2025/06/eco-summit.jpg', caption: CAPTION, credit: 'AZERTAC' },
    ]);
  });

  it('normalizes from the article page', () => {
    const page = extractPageMetadata(seedPage(), PAGE_URL);
    expect(page).toMatchObject({
      canonicalUrl: CANONICAL,
      title: TITLE,
      siteName: 'News.Az',
      language: 'en',
      publishedAt: '2025-06-10T09:00:00.000Z',
      updatedAt: '2025-06-10T10:30:00.000Z',
      author: 'News.Az',
      leadImage: 'https://news.az/uploads/2025/06/trofimchuk.jpg',
    });
    expect(page.bodyHtml).not.toMatch(/<nav|<footer|<aside|<script|Most read/);
    const result = analyzeArticle({
      title: page.title!,
      html: page.bodyHtml,
      baseUrl: page.canonicalUrl,
      sourceName: page.siteName ?? undefined,
      language: page.language,
    });
    checkDoneWhen(result);
  });
});
