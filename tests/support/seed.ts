import { readFileSync } from 'node:fs';
import { startServer, type LoopbackServer } from './http.js';

/** The seed interview (shared/seeds) and the page News.Az would serve it in, for tests at every level. */

export const seed = readFileSync(new URL('../fixtures/seed/news-az-trofimchuk.txt', import.meta.url), 'utf8');
export const TITLE = 'Grigory Trofimchuk: Russia has no choice but to accept the new regional order – INTERVIEW';
export const PAGE_URL = 'https://news.az/news/grigory-trofimchuk-russia-has-no-choice?utm_source=rss&utm_medium=feed&fbclid=IwAR0x';
export const CANONICAL = 'https://news.az/news/grigory-trofimchuk-russia-has-no-choice';
export const CAPTION = "Azerbaijan's Khankendi hosted the 17th Summit of the Economic Cooperation Organization (ECO) on June 4.";

/** The seed's paragraphs, as written (blank lines part them). */
export const paragraphs = seed
  .split(/\n\s*\n/)
  .map((p) => p.trim())
  .filter(Boolean);

/** Everything in the seed that is not the interview, listed by hand from the issue. */
export const FURNITURE = [
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
export function expectedTurns(): { question: string; answer: string }[] {
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

export const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** The seed as News.Az would serve it: navigation, share widgets, figures with captions, related links, footer. */
export function seedPage(): string {
  const body = paragraphs
    .map((p) => {
      if (p === 'EN' || p === TITLE) return '';
      if (p.startsWith('News about -')) return `<p><a href="/news/related-1">${escape(p)}</a></p>`;
      if (p === 'Photo: Flickr') return '<figure><img src="/uploads/2025/06/kremlin.jpg" alt=""><figcaption>Photo: Flickr</figcaption></figure>';
      if (p.endsWith('(Photo: AZERTAC)')) return `<figure><img src="/uploads/2025/06/eco-summit.jpg" alt=""><figcaption>${escape(p)}</figcaption></figure>`;
      if (p.startsWith('Chosen'))
        return '<div class="article-stats"><span>Chosen</span> <span>3</span><br><span>1</span><br><a href="https://news.az">news.az</a></div>';
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

/** The bundled sample feed (a real News.Az interview, furniture left in), as the demo config reads it. */
export const sampleFeed = readFileSync(new URL('../../config/samples/news-az-interview.rss', import.meta.url), 'utf8');

/** A loopback feed site: {@link sampleFeed} at every path, but paths under `/broken` answer `brokenStatus` with `brokenBody`. */
export function startSampleFeedSite(brokenStatus: number, brokenBody: string): Promise<LoopbackServer> {
  return startServer((req, res) => {
    if (req.url.startsWith('/broken')) {
      res.statusCode = brokenStatus;
      return void res.end(brokenBody);
    }
    res.setHeader('content-type', 'application/rss+xml; charset=utf-8');
    res.end(sampleFeed);
  });
}
