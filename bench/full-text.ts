/**
 * Article pages read per second: `syndicate normalize page.html` without the file read (page metadata, main
 * content, the article analysis, the normalized item), beside Mozilla Readability alone (linkedom DOM +
 * `Readability.parse()`) on the same pages, in the same run. The pages are generated here after the layout of
 * real news pages: most of their bytes are scripts, styles and icons; navigation, share bars, ads, related
 * stories, comments and a footer surround the article; a fifth mark it with itemprop=articleBody, as on the
 * development corpus.
 */
import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import { normalizeDocument } from '../src/normalize/normalize-document.js';
import { Sandbox } from '../src/sandbox/sandbox.js';
import { random } from './_random.js';
import type { KeyFigure } from './_summary.js';

const WORDS =
  'the council city harbour plan tram depot flats vote members year budget river bridge traffic report minister said would could after before during market prices energy industry workers union strike talks agreement region border trade export import growth forecast season league match coach players fans stadium museum exhibition artists'.split(
    ' ',
  );

function page(index: number): string {
  const rnd = random(1000 + index);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const sentence = (min: number, max: number): string => {
    const n = min + Math.floor(rnd() * (max - min));
    const words = Array.from({ length: n }, () => pick(WORDS));
    return `${words[0]![0]!.toUpperCase()}${words.join(' ').slice(1)}.`;
  };
  const paragraph = (): string => Array.from({ length: 2 + Math.floor(rnd() * 3) }, () => sentence(8, 22)).join(' ');
  const links = (n: number, prefix: string): string => Array.from({ length: n }, (_, i) => `<li><a href="/${prefix}/${i}">${sentence(3, 9)}</a></li>`).join('');
  const script = (kb: number): string => `<script>(function(){var d=${JSON.stringify('x'.repeat(kb * 1024))};window.__cfg=d;})();</script>`;
  const icon =
    '<svg viewBox="0 0 24 24" width="24" height="24"><path d="M12 2C6.48 2 2 6.48 2 12s4.48 10 10 10 10-4.48 10-10S17.52 2 12 2zm0 18c-4.41 0-8-3.59-8-8s3.59-8 8-8 8 3.59 8 8-3.59 8-8 8z"/></svg>';
  const title = sentence(6, 12).replace(/\.$/, '');
  const body: string[] = [];
  const paragraphs = 8 + Math.floor(rnd() * 14);
  for (let i = 0; i < paragraphs; i += 1) {
    body.push(`<p>${paragraph()}</p>`);
    if (i === 2) body.push(`<figure><img src="/img/${index}-1.jpg" alt=""><figcaption>${sentence(6, 12)} Photo: Agency</figcaption></figure>`);
    if (i === 4) body.push(`<div class="ad-slot"><span>Advertisement</span>${script(2)}</div>`);
    if (i === 6 && rnd() < 0.5) body.push(`<h2>${sentence(3, 6)}</h2>`);
  }
  const marked = index % 5 === 0;
  const article = marked
    ? `<div itemprop="articleBody">${body.join('\n')}</div>`
    : rnd() < 0.5
      ? `<article class="story"><div class="story-body">${body.join('\n')}</div></article>`
      : `<div class="col-main"><div class="txt">${body.join('\n')}</div></div>`;
  const comments = Array.from(
    { length: 3 + Math.floor(rnd() * 8) },
    () =>
      `<li class="comment"><div class="comment-head"><div class="author">${pick(WORDS)}</div><div class="when">2 hours ago</div></div><div class="comment-body"><p>${paragraph()}</p></div></li>`,
  ).join('');
  // Real pages' furniture is many small nodes: a mega menu, teaser cards, link columns, dozens of scripts.
  const menu = Array.from(
    { length: 6 },
    (_, i) => `<div class="menu-col"><div class="menu-title">${pick(WORDS)}</div><ul>${links(10, `s${i}`)}</ul></div>`,
  ).join('');
  const cards = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        `<div class="card"><div class="thumb"><a href="/t/${i}"><img src="/thumb/${i}.jpg" width="80" height="60"></a></div><div class="card-meta"><a href="/t/${i}">${sentence(5, 10)}</a><span class="date">10 June</span></div></div>`,
    ).join('');
  const footerColumns = Array.from({ length: 4 }, (_, i) => `<div class="footer-col"><h4>${pick(WORDS)}</h4><ul>${links(10, `f${i}`)}</ul></div>`).join('');
  const scripts = (n: number) => Array.from({ length: n }, () => script(rnd() < 0.1 ? 12 : 1)).join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${title} | Daily Example</title>
<meta property="og:title" content="${title}"><meta property="og:image" content="https://daily.example/img/${index}.jpg"><meta name="author" content="${pick(WORDS)} ${pick(WORDS)}">
<link rel="canonical" href="https://daily.example/news/${index}">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"${title}","datePublished":"2025-06-${10 + (index % 18)}T08:00:00Z"}</script>
<style>${'.c{color:#333;margin:0 auto;padding:4px}'.repeat(200)}</style>${scripts(20)}</head>
<body><div id="page"><div class="wrapper"><header class="site-header"><div class="logo"><a href="/">${icon}Daily Example</a></div><nav class="menu"><div class="mega">${menu}</div></nav><div class="tools">${icon}${icon}${icon}</div></header>
<div class="layout"><div class="layout-main">
<div class="share-bar">${icon}<a href="#">Facebook</a>${icon}<a href="#">X</a>${icon}<a href="#">Email</a></div>
<main><h1>${title}</h1><div class="byline">By ${pick(WORDS)} · 10 June 2025</div>
${article}
<div class="related-stories"><h3>Related stories</h3>${cards(6)}</div>
<section id="comments" class="comments"><h3>Comments</h3><ol>${comments}</ol></section></main></div>
<aside class="sidebar"><div class="widget"><h3>Most read</h3>${cards(8)}</div><div class="widget"><h3>Latest</h3><ol>${links(10, 'latest')}</ol></div></aside></div>
<footer class="site-footer"><div class="footer-cols">${footerColumns}</div><p>© 2025 Daily Example. All rights reserved.</p></footer></div></div>${scripts(15)}</body></html>`;
}

const PAGES = Array.from({ length: 24 }, (_, i) => page(i));

function readabilityAlone(html: string): number {
  const { document } = parseHTML(html);
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  return article?.textContent?.length ?? 0;
}

/** The sandbox `syndicate normalize` reads in: one thread, so the figure stays comparable to Readability's. */
const sandbox = new Sandbox({ deadlineMs: 10_000, maxHeapMb: 512, threads: 1 });

async function ours(html: string, i: number): Promise<number> {
  const [item] = await normalizeDocument(
    { body: Buffer.from(html), contentType: 'text/html; charset=utf-8', location: `https://daily.example/news/${i}` },
    { fetchedAt: '2025-06-10T08:00:00.000Z', maxEntries: 100, limits: { maxFeedBytes: 10 * 1024 * 1024 }, sandbox },
  );
  return item!.contentText.length;
}

export default async function benchFullText(): Promise<Record<string, number>> {
  // Warm-up, and a check that both read every page.
  for (let i = 0; i < PAGES.length; i += 1) {
    if (readabilityAlone(PAGES[i]!) === 0 || (await ours(PAGES[i]!, i)) === 0) throw new Error(`page ${i} yielded no article`);
  }
  // Rounds alternate between the two so that a busy machine weighs on both alike.
  let readabilityMs = 0;
  let oursMs = 0;
  const rounds = 4;
  for (let round = 0; round < rounds; round += 1) {
    let started = performance.now();
    for (const html of PAGES) readabilityAlone(html);
    readabilityMs += performance.now() - started;
    started = performance.now();
    for (let i = 0; i < PAGES.length; i += 1) await ours(PAGES[i]!, i);
    oursMs += performance.now() - started;
  }
  const pages = PAGES.length * rounds;
  const readabilityRate = pages / (readabilityMs / 1000);
  const oursRate = pages / (oursMs / 1000);
  return {
    'pages (generated news pages)': PAGES.length,
    'mean page KiB': PAGES.reduce((sum, p) => sum + Buffer.byteLength(p), 0) / PAGES.length / 1024,
    'Readability.js alone (linkedom), pages/s': readabilityRate,
    'syndicate normalize page (whole item), pages/s': oursRate,
    'ratio syndicate / Readability alone': oursRate / readabilityRate,
  };
}

/** This benchmark's rows in the report `npm run bench` ends with (bench/_summary.ts). */
export const keyFigures: KeyFigure[] = [
  {
    label: 'article pages read into a whole item: pages/s',
    figure: 'syndicate normalize page (whole item), pages/s',
    baseline: 'Readability.js alone (linkedom), pages/s',
    ratio: 'ratio syndicate / Readability alone',
    goal: '(reported)',
  },
];
