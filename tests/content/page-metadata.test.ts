import { describe, expect, it } from 'vitest';
import { canonicalizeUrl } from '../../src/content/canonical-url.js';
import { extractPageMetadata } from '../../src/content/page-metadata.js';

describe('canonicalizeUrl', () => {
  it.each([
    ['https://News.AZ/news/a?utm_source=rss&utm_medium=feed&id=7#comments', 'https://news.az/news/a?id=7'],
    ['https://news.az/news/a?fbclid=IwAR&gclid=x&mc_cid=1&mc_eid=2&yclid=3&_ga=4', 'https://news.az/news/a'],
    ['https://news.az:443/news/a?page=2&UTM_Campaign=x', 'https://news.az/news/a?page=2'],
    ['https://amp.example.com/news/a', 'https://example.com/news/a'],
    ['https://example.com/amp/news/a', 'https://example.com/news/a'],
    ['https://example.com/news/a/amp/', 'https://example.com/news/a/'],
    ['https://example.com/news/a?amp=1', 'https://example.com/news/a'],
    ['https://example.com/news/a.amp', 'https://example.com/news/a'],
    ['https://example.com/news/a.amp.html', 'https://example.com/news/a.html'],
    ['https://example.com/news/a?outputType=amp&x=1', 'https://example.com/news/a?x=1'],
  ])('%s → %s', (input, expected) => {
    expect(canonicalizeUrl(input)).toBe(expected);
  });

  it('leaves what is not an http(s) URL alone', () => {
    expect(canonicalizeUrl(' not a url ')).toBe('not a url');
    expect(canonicalizeUrl('mailto:desk@news.az')).toBe('mailto:desk@news.az');
  });
});

describe('extractPageMetadata', () => {
  const ampPage = `<html lang="ru-RU"><head>
    <meta property="og:title" content="Станислав Тарасов: Южный Кавказ больше не будет прежним – ИНТЕРВЬЮ">
    <meta name="author" content="Айдын Алиев">
    <meta property="article:published_time" content="2025-05-02T10:00:00Z">
    </head><body><nav>Главная</nav>
    <div class="layout"><div class="text"><p>Первый абзац статьи, довольно длинный, чтобы быть основным текстом страницы.</p><p>Второй абзац статьи тоже относится к основному тексту.</p></div>
    <div class="promo"><p>Подписывайтесь</p></div></div><footer>©</footer></body></html>`;

  it('reads a page without rel=canonical: AMP address mapped, title kept with its marker, densest block as body', () => {
    const meta = extractPageMetadata(ampPage, 'https://amp.vesti.az/news/123/amp?utm_source=tg');
    expect(meta.canonicalUrl).toBe('https://vesti.az/news/123');
    expect(meta.title).toBe('Станислав Тарасов: Южный Кавказ больше не будет прежним – ИНТЕРВЬЮ');
    expect(meta.language).toBe('ru');
    expect(meta.author).toBe('Айдын Алиев');
    expect(meta.publishedAt).toBe('2025-05-02T10:00:00.000Z');
    expect(meta.updatedAt).toBeNull();
    expect(meta.bodyHtml).toContain('Первый абзац');
    expect(meta.bodyHtml).not.toMatch(/Главная|Подписывайтесь|©/);
  });

  it('prefers itemprop=articleBody, reads JSON-LD in a @graph and strips the site suffix from <title>', () => {
    const html = `<html><head><title>Farid Shafiyev: The corridor will not wait – INTERVIEW | Caliber.Az</title>
      <script type="application/ld+json">{"@graph":[{"@type":"WebSite","name":"Caliber"},{"@type":"NewsArticle","datePublished":"2025-03-01T08:00:00+04:00","author":[{"name":"A. Writer"}],"image":{"url":"/i/lead.jpg"},"publisher":{"name":"Caliber.Az"},"inLanguage":"en"}]}</script>
      <script type="application/ld+json">{broken</script></head>
      <body><div itemprop="articleBody"><p>Body.</p></div><article><p>Teaser with much more text than the body, but it is not the article body element.</p></article></body></html>`;
    const meta = extractPageMetadata(html, 'https://caliber.az/post/1');
    expect(meta).toMatchObject({
      canonicalUrl: 'https://caliber.az/post/1',
      title: 'Farid Shafiyev: The corridor will not wait – INTERVIEW',
      siteName: 'Caliber.Az',
      author: 'A. Writer',
      leadImage: 'https://caliber.az/i/lead.jpg',
      language: 'en',
      publishedAt: '2025-03-01T04:00:00.000Z',
    });
    expect(meta.bodyHtml).toBe('<div itemprop="articleBody"><p>Body.</p></div>');
  });
});
