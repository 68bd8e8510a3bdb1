import { readFileSync } from 'node:fs';
import { load } from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import { analyzeArticle, type ArticleAnalysis } from '../../src/normalize/article/analyze-article.js';
import { extractPageMetadata } from '../../src/normalize/page/metadata.js';

const seed = readFileSync(new URL('../fixtures/seed/news-az-trofimchuk.txt', import.meta.url), 'utf8');
const TITLE = 'Grigory Trofimchuk: Russia has no choice but to accept the new regional order – INTERVIEW';
const PAGE_URL = 'https://news.az/news/grigory-trofimchuk-russia-has-no-choice?utm_source=rss&utm_medium=feed&fbclid=IwAR0x';
const CANONICAL = 'https://news.az/news/grigory-trofimchuk-russia-has-no-choice';
const CAPTION = "Azerbaijan's Khankendi hosted the 17th Summit of the Economic Cooperation Organization (ECO) on June 4.";

/** The seed's paragraphs, as written (blank lines part them). */
const paragraphs = seed.split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean);

/** Everything in the seed that is not the interview, listed by hand from the issue. */
const FURNITURE = [
  'EN',
  TITLE,
  `News about -${TITLE}`,
  'Photo: Flickr',
  `${CAPTION} (Photo: AZERTAC)`,
  'News.Az', // followed by a no-break space in the seed; trim() removes it
  'Chosen\n3\n1\nnews.az',
  '2Sources',
];

/** The expected turns, read off the seed independently of the code: dash paragraphs alternate question, answer. */
function expectedTurns(): { question: string; answer: string }[] {
  const content = paragraphs.filter((p) => !FURNITURE.includes(p));
  const turns: { question: string; answer: string[] }[] = [];
  let expectQuestion = true;
  for (const p of content) {
    if (p.startsWith('– ') && expectQuestion) {
      turns.push({ question: p.slice(2), answer: [] });
      expectQuestion = false;
    } else if (turns.length > 0) {
      turns[turns.length - 1]!.answer.push(p.startsWith('– ') ? p.slice(2) : p);
      expectQuestion = true;
    }
  }
  return turns.map((t) => ({ question: t.question, answer: t.answer.join('\n\n') }));
}

const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The seed as News.Az would serve it: navigation, share widgets, figures with captions, related links, footer. */
function seedPage(): string {
  const body = paragraphs
    .map((p) => {
      if (p === 'EN' || p === TITLE) return '';
      if (p.startsWith('News about -')) return `<p><a href="/news/related-1">${escape(p)}</a></p>`;
      if (p === 'Photo: Flickr') return '<figure><img src="/uploads/2025/06/kremlin.jpg" alt=""><figcaption>Photo: Flickr</figcaption></figure>';
      if (p.endsWith('(Photo: AZERTAC)')) return `<figure><img src="/uploads/2025/06/eco-summit.jpg" alt=""><figcaption>${escape(p)}</figcaption></figure>`;
      if (p.startsWith('Chosen')) return '<div class="article-stats"><span>Chosen</span> <span>3</span><br><span>1</span><br><a href="https://news.az">news.az</a></div>';
      return `<p>${escape(p)}</p>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head>
<title>${escape(TITLE)} | News.Az</title>
<link rel="canonical" href="/news/grigory-trofimchuk-russia-has-no-choice">
<meta property="og:title" content="${escape(TITLE)}">
<meta property="og:site_name" content="News.Az">
<meta property="og:url" content="https://news.az/news/grigory-trofimchuk-russia-has-no-choice?utm_campaign=share">
<meta property="og:image" content="/uploads/2025/06/trofimchuk.jpg">
<meta property="article:published_time" content="2025-06-10T13:00:00+04:00">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Grigory Trofimchuk: Russia has no choice","dateModified":"2025-06-10T14:30:00+04:00","author":{"@type":"Organization","name":"News.Az"},"publisher":{"@type":"Organization","name":"News.Az"}}</script>
<script>window.dataLayer = [];</script>
</head><body>
<header><nav><a href="/en">EN</a> <a href="/ru">RU</a> <a href="/az">AZ</a> <a href="/politics">Politics</a> <a href="/economy">Economy</a></nav></header>
<main>
<article>
<h1>${escape(TITLE)}</h1>
<div class="share-buttons"><a href="https://facebook.com/sharer">Facebook</a> <a href="https://t.me/share">Telegram</a> <span>12 shares</span></div>
<time datetime="2025-06-10T13:00:00+04:00">10 June 2025 13:00</time>
${body}
<p>News.Az\u00a0</p>
<p onclick="track()">2Sources</p>
</article>
<aside><h3>Most read</h3><ul><li><a href="/news/x">Another story</a></li></ul></aside>
</main>
<footer><p>© 2025 News.Az. All rights reserved.</p></footer>
</body></html>`;
}

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
  expect(interview.qa).toEqual(expectedTurns());
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
  expect(result.contentHtml).toContain('<p class="q"><strong>What are your forecasts regarding the current state of Russian-Azerbaijani relations?</strong></p>');
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
    const result = analyzeArticle({ title: page.title!, html: page.bodyHtml, baseUrl: page.canonicalUrl, sourceName: page.siteName ?? undefined, language: page.language });
    checkDoneWhen(result);
  });
});
