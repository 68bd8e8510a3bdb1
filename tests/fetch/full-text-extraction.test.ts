import { Readability } from '@mozilla/readability';
import { load } from 'cheerio/slim';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { FeedEntry } from '../../src/content/feed-entry.js';
import { extractPageMetadata as extractArticle } from '../../src/content/page-metadata.js';
import { mergePageIntoEntry } from '../../src/fetch/full-text/merge-page.js';
import { needsFullText } from '../../src/fetch/full-text/needs-full-text.js';
import { CANONICAL, FURNITURE, PAGE_URL, paragraphs, seedPage, TITLE } from '../support/seed.js';
import { loadFixtures } from '../normalize/labelled-set.js';
import { ARTICLE_PAGES, type ArticlePage } from './article-pages.js';

const escapeText = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const squeeze = (s: string) => s.replace(/\s+/g, ' ').trim();
const textOf = (html: string) => squeeze(load(html, null, false).text());

/** The seed page as a fourth measured page: its article paragraphs are the seed's, minus what the seed calls furniture. */
const SEED: ArticlePage = {
  name: 'News.Az seed interview',
  url: PAGE_URL,
  html: seedPage(),
  paragraphs: paragraphs.filter((p) => !FURNITURE.includes(p) && !p.startsWith('News about -') && !p.startsWith('Photo:') && !p.endsWith('(Photo: AZERTAC)')),
  furniture: ['Most read', 'Another story', 'Facebook', 'Telegram', '12 shares', 'All rights reserved'],
};
const PAGES = [SEED, ...ARTICLE_PAGES];

/** Mozilla Readability on the same HTML (linkedom for the DOM), the reference the requirement names. */
function readability(page: ArticlePage) {
  const { document } = parseHTML(page.html);
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  if (!article?.content) throw new Error(`Readability found nothing on ${page.name}`);
  const $ = load(article.content, null, false);
  // Readability's blocks: each paragraph-like element with text, the unit its recall is counted in.
  const all = $('p, li, h2, h3, h4, blockquote, figcaption, div:not(:has(p, div, li, figure))')
    .get()
    .map((el) => squeeze($(el).text()))
    .filter((t) => t.length >= 20);
  // A paragraph is prose: a sentence, or a long line. Readability also keeps a byline-and-date line such as
  // "Ruth Okafor · 20 August 2025" that we carry as `author` and `publishedAt` instead; it is reported apart.
  const isProse = (t: string) => /[.?!"”»]$/.test(t) || t.length >= 60;
  return { title: article.title, text: squeeze(article.textContent ?? ''), blocks: all.filter(isProse), otherLines: all.filter((t) => !isProse(t)) };
}

describe('full-text extraction measured against Mozilla Readability', () => {
  const rows: string[] = [];

  for (const page of PAGES) {
    it(`${page.name}: keeps every paragraph Readability keeps, and the whole article, and drops the furniture`, () => {
      const ours = textOf(extractArticle(page.html, page.url).bodyHtml);
      const reference = readability(page);
      const recallVsReadability = reference.blocks.filter((b) => ours.includes(b)).length / reference.blocks.length;
      const articleRecall = page.paragraphs.filter((p) => ours.includes(squeeze(p))).length / page.paragraphs.length;
      const readabilityRecall = page.paragraphs.filter((p) => reference.text.includes(squeeze(p))).length / page.paragraphs.length;
      const furnitureKept = page.furniture.filter((f) => ours.includes(f));
      rows.push(
        `${page.name}: recall vs Readability ${reference.blocks.length} paragraphs ${(recallVsReadability * 100).toFixed(0)}%, article recall ours ${(articleRecall * 100).toFixed(0)}% / Readability ${(readabilityRecall * 100).toFixed(0)}%, furniture kept ours ${furnitureKept.length} / Readability ${page.furniture.filter((f) => reference.text.includes(f)).length}; Readability's other lines ${JSON.stringify(reference.otherLines)} (ours keeps ${reference.otherLines.filter((l) => ours.includes(l)).length})`,
      );
      expect(reference.blocks.filter((b) => !ours.includes(b))).toEqual([]);
      expect(recallVsReadability).toBe(1);
      expect(articleRecall).toBe(1);
      expect(furnitureKept).toEqual([]);
    });
  }

  it('the labelled interview and article bodies, each set in a news-page shell: every paragraph Readability keeps, no furniture', () => {
    // The hand-labelled bodies of tests/fixtures are fragments; the shell gives them what a real page adds around them.
    const SHELL_FURNITURE = ['We use cookies', 'Another headline', 'completely disagree', 'All rights reserved', 'Popular story'];
    const shell = (title: string, body: string) =>
      `<!doctype html><html><head><title>${escapeText(title)} | Site</title></head><body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header><div id="cookie-notice" class="cookie-banner"><p>We use cookies to improve your experience on our website and for advertising purposes.</p><button>OK</button></div><div class="page"><div class="main-col"><h1>${escapeText(title)}</h1><div class="share-bar"><a href="#">Facebook</a> <a href="#">Twitter</a></div><div class="article-text">${body}</div><div class="related-news"><h3>Related news</h3><ul><li><a href="/1">Another headline about the region and its politics</a></li><li><a href="/2">A second related headline about something else</a></li></ul></div><div id="comments"><h3>Comments</h3><div class="comment"><p>I completely disagree with everything this expert says about the region.</p></div></div></div><div class="sidebar"><h3>Most read</h3><ul><li><a href="/3">Popular story</a></li></ul></div></div><footer><p>© 2025 Site. All rights reserved.</p></footer></body></html>`;
    const fixtures = [...loadFixtures('interviews'), ...loadFixtures('articles')].filter((f) => /<(?:p|div|h\d)\b/i.test(f.body));
    let kept = 0;
    let total = 0;
    const missed: string[] = [];
    for (const fixture of fixtures) {
      const page: ArticlePage = {
        name: fixture.id,
        url: fixture.labels.baseUrl ?? 'https://example.com/a',
        html: shell(fixture.labels.title, fixture.body),
        paragraphs: [],
        furniture: SHELL_FURNITURE,
      };
      const ours = textOf(extractArticle(page.html, page.url).bodyHtml);
      const { blocks } = readability(page);
      total += blocks.length;
      kept += blocks.filter((b) => ours.includes(b)).length;
      missed.push(...blocks.filter((b) => !ours.includes(b)).map((b) => `${fixture.id}: ${b.slice(0, 60)}`));
      expect(
        SHELL_FURNITURE.filter((f) => ours.includes(f)),
        fixture.id,
      ).toEqual([]);
    }
    rows.push(`${fixtures.length} labelled bodies in a page shell: recall vs Readability ${kept}/${total} paragraphs`);
    expect(fixtures.length).toBeGreaterThan(20);
    expect(missed).toEqual([]);
  });

  it('Readability loses the genre marker the feed title and og:title keep', () => {
    expect(readability(SEED).title).not.toContain('INTERVIEW');
    expect(extractArticle(SEED.html, SEED.url).title).toBe(TITLE);
    console.log(rows.join('\n'));
  });

  it('keeps figures (the normalizer reads captions and credits from them) and takes metadata from canonical, OG and JSON-LD', () => {
    const page = extractArticle(seedPage(), PAGE_URL);
    expect(page.bodyHtml).toContain('/uploads/2025/06/eco-summit.jpg');
    expect(page).toMatchObject({
      canonicalUrl: CANONICAL,
      publishedAt: '2025-06-10T09:00:00.000Z',
      updatedAt: '2025-06-10T10:30:00.000Z',
      author: 'News.Az',
      leadImage: 'https://news.az/uploads/2025/06/trofimchuk.jpg',
    });
    const [comments, , cookie] = ARTICLE_PAGES;
    expect(extractArticle(comments!.html, comments!.url)).toMatchObject({
      canonicalUrl: 'https://www.harbourtimes.example/city/tram-depot-flats',
      author: 'Anna Berg',
      publishedAt: '2025-06-11T06:15:00.000Z',
      updatedAt: '2025-06-11T09:40:00.000Z',
    });
    expect(extractArticle(cookie!.html, cookie!.url)).toMatchObject({
      author: 'Ruth Okafor',
      leadImage: 'https://www.sciencedaily.example/img/penguins.jpg',
      publishedAt: '2025-08-20T00:00:00.000Z',
    });
  });

  it('never removes the <article> itself, whatever its class says', () => {
    const html = `<html><body><article class="post has-comments share-enabled">${'<p>A sentence of the article that is long enough to count as prose for anyone.</p>'.repeat(4)}</article></body></html>`;
    expect(textOf(extractArticle(html, 'https://example.com/a').bodyHtml)).toContain('A sentence of the article');
  });
});

const entry = (over: Partial<FeedEntry> = {}): FeedEntry => ({
  guid: 'g1',
  link: 'https://news.example/a',
  title: 'A title',
  publishedAt: null,
  updatedAt: null,
  author: null,
  summary: 'One line.',
  contentHtml: null,
  categories: [],
  imageUrl: null,
  language: null,
  ...over,
});
const LONG = `<p>${'Long article text. '.repeat(40)}</p>`;

describe('needsFullText', () => {
  it('auto: fetches when the entry carries only a summary', () => {
    expect(needsFullText(entry(), 'auto')).toEqual({ fetch: true, reason: 'no-content' });
    expect(needsFullText(entry({ contentHtml: '<p>Short teaser of the story.</p>' }), 'auto')).toEqual({ fetch: true, reason: 'short-content' });
    expect(needsFullText(entry({ contentHtml: LONG, summary: LONG }), 'auto').reason).toBe('content-is-summary');
    expect(needsFullText(entry({ contentHtml: `${LONG}<p><a href="/a">Read more »</a></p>` }), 'auto').reason).toBe('read-more');
    expect(needsFullText(entry({ contentHtml: `<p>${'Текст статьи. '.repeat(40)} Читать далее</p>` }), 'auto').reason).toBe('read-more');
    expect(needsFullText(entry({ contentHtml: `<p>${'Text. '.repeat(100)} [&#8230;]</p>` }), 'auto').reason).toBe('read-more');
    expect(needsFullText(entry({ contentHtml: LONG }), 'auto')).toEqual({ fetch: false, reason: 'has-content' });
  });

  it('always and never mean what they say; no http(s) link, no fetch', () => {
    expect(needsFullText(entry({ contentHtml: LONG }), 'always')).toEqual({ fetch: true, reason: 'always' });
    expect(needsFullText(entry(), 'never')).toEqual({ fetch: false, reason: 'never' });
    expect(needsFullText(entry({ link: null }), 'always').reason).toBe('no-link');
    expect(needsFullText(entry({ link: 'file:///etc/passwd' }), 'auto').reason).toBe('no-link');
  });
});

describe('mergePageIntoEntry', () => {
  const page = extractArticle(seedPage(), PAGE_URL);

  it('takes the body, the canonical URL, and fills dates, author and image the feed lacks; keeps the feed title', () => {
    const merged = mergePageIntoEntry(entry({ title: TITLE, link: PAGE_URL }), page);
    expect(merged).toMatchObject({
      link: CANONICAL,
      title: TITLE,
      contentHtml: page.bodyHtml,
      publishedAt: page.publishedAt,
      updatedAt: page.updatedAt,
      author: 'News.Az',
      imageUrl: page.leadImage,
      language: 'en',
      summary: 'One line.',
    });
  });

  it('keeps what the feed states, and keeps the feed body when the page yields less text', () => {
    const own = entry({
      title: 'Feed title',
      publishedAt: '2025-01-01T00:00:00.000Z',
      author: 'Feed Author',
      imageUrl: 'https://img/x.jpg',
      contentHtml: `<p>${'Feed text. '.repeat(2000)}</p>`,
    });
    const merged = mergePageIntoEntry(own, page);
    expect(merged).toMatchObject({
      title: 'Feed title',
      publishedAt: '2025-01-01T00:00:00.000Z',
      author: 'Feed Author',
      imageUrl: 'https://img/x.jpg',
      contentHtml: own.contentHtml,
    });
  });

  it('uses og:title only when the feed gives no title', () => {
    expect(mergePageIntoEntry(entry({ title: '' }), page).title).toBe(TITLE);
  });
});
