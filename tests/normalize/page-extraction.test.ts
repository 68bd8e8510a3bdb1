import { afterAll, describe, expect, it } from 'vitest';
import { SyndicateError } from '../../src/core/errors.js';
import { normalizeDocument } from '../../src/normalize/normalize-document.js';
import { extractPageMetadata } from '../../src/content/page-metadata.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';

const sandbox = new Sandbox({ deadlineMs: 10_000, maxHeapMb: 512 });
afterAll(() => sandbox.close());

/**
 * One hand-written page per failure class seen on real news pages (the wrong block chosen, empty text, cut
 * tables): each asserts what `syndicate normalize page.html` prints as the article's text.
 */
const URL_ = 'https://daily.example/2025/07/01/story';
const page = (head: string, body: string) => `<!doctype html><html lang="en"><head><meta charset="utf-8">${head}</head><body>${body}</body></html>`;
const prose = (n: number, topic: string) =>
  Array.from(
    { length: n },
    (_, i) =>
      `<p>Paragraph ${i + 1} about ${topic}: the council met again on Tuesday, and the members who spoke said the plan would take several more years to finish.</p>`,
  ).join('\n');
const normalizePage = (html: string) =>
  normalizeDocument(
    { body: Buffer.from(html), contentType: 'text/html; charset=utf-8', location: URL_ },
    { fetchedAt: '2025-07-01T00:00:00.000Z', maxEntries: 100, limits: { maxFeedBytes: 10 * 1024 * 1024 }, sandbox },
  );
const textOf = async (html: string) => (await normalizePage(html))[0]!.contentText;

describe('reading an article page: the rule that picks the main content', () => {
  it('a long comments section does not outweigh the article', async () => {
    const comments = Array.from(
      { length: 12 },
      (_, i) =>
        `<li class="c"><p>Reader ${i} writes: I completely disagree with the council, this plan is a waste of money and nobody asked the people who live there.</p></li>`,
    ).join('');
    const html = page(
      '<title>Depot plan approved</title>',
      `<div class="wrap"><h1>Depot plan approved</h1><div class="body">${prose(4, 'the depot')}</div><section id="comments" class="comments-area"><h3>Reader comments</h3><ol>${comments}</ol></section></div>`,
    );
    const text = await textOf(html);
    expect(text).toContain('Paragraph 4 about the depot');
    expect(text).not.toContain('completely disagree');
  });

  it('site footer, navigation and related-story teasers stay out', async () => {
    const html = page(
      '<title>Harbour tunnel opens</title>',
      `<nav><a href="/">Home</a> <a href="/city">City</a></nav><main><h1>Harbour tunnel opens</h1>${prose(5, 'the tunnel')}
      <div class="more-stories"><h3>More stories</h3><ul><li><a href="/a">Mayor resigns after a long row over the budget for next year</a></li><li><a href="/b">Storm closes the ferry line for a second day running</a></li></ul></div></main>
      <footer><p>© 2025 Daily Example Media Group. All rights reserved. Registered office: 1 Harbour Street, with a long legal notice.</p></footer>`,
    );
    const text = await textOf(html);
    expect(text).toContain('Paragraph 5 about the tunnel');
    expect(text).not.toMatch(/Mayor resigns|All rights reserved|Home/);
  });

  it('the publisher mark itemprop=articleBody wins over a longer block', async () => {
    const html = page(
      '<title>Short note</title>',
      `<div itemprop="articleBody"><p>The short note the publisher marks as the article, two sentences long. It is all there is.</p></div><div class="promo">${prose(6, 'a promotion')}</div>`,
    );
    const meta = extractPageMetadata(html, URL_);
    expect(meta.contentSource).toBe('itemprop');
    expect(await textOf(html)).toBe('The short note the publisher marks as the article, two sentences long. It is all there is.');
  });

  it('a page whose article is only in JSON-LD articleBody (a script-rendered page) yields that text', async () => {
    const body =
      'The first paragraph of the story, only in the structured data.\nThe second paragraph, with the rest of the story that the page renders by script.';
    const ld = JSON.stringify({
      '@context': 'https://schema.org',
      '@type': 'NewsArticle',
      headline: 'Script page',
      articleBody: `${body} ${'More words of the story. '.repeat(12)}`,
    });
    const html = page(
      `<title>Script page</title><script type="application/ld+json">${ld}</script>`,
      '<div id="app"><p>Loading…</p></div><script>window.render()</script>',
    );
    const meta = extractPageMetadata(html, URL_);
    expect(meta.contentSource).toBe('json-ld');
    const text = await textOf(html);
    expect(text).toContain('The first paragraph of the story, only in the structured data.');
    expect(text).toContain('The second paragraph, with the rest of the story');
  });

  it('an article of bare text and <br>s in nested divs, with no <p> nor <article>, is found', async () => {
    const lines = Array.from(
      { length: 6 },
      (_, i) => `Line ${i + 1} of an old-style story: the river rose two metres overnight and the bridge was closed to traffic.`,
    ).join('<br><br>');
    const html = page(
      '<title>River rises</title>',
      `<div id="top"><a href="/">Home</a></div><div class="c1"><div class="c2"><div class="txt">${lines}</div></div></div><div id="bottom"><a href="/x">Contact</a></div>`,
    );
    const text = await textOf(html);
    expect(text).toContain('Line 1 of an old-style story');
    expect(text).toContain('Line 6 of an old-style story');
  });

  it('keeps a data table row by row, and lines that repeat (a schedule)', async () => {
    const rows = ['Pos. Driver Points', '1 Kyle Example 5040', '2 Martin Sample 5035', '3 Kevin Test 5033']
      .map(
        (r) =>
          `<tr>${
            r.split(' ').length > 3
              ? `<td>${r.split(' ')[0]}</td><td>${r.split(' ').slice(1, -1).join(' ')}</td><td>${r.split(' ').at(-1)}</td>`
              : r
                  .split(' ')
                  .map((c) => `<th>${c}</th>`)
                  .join('')
          }</tr>`,
      )
      .join('');
    const schedule = ['Monday', 'Tuesday', 'Wednesday']
      .map((d) => `<h3>${d}</h3><p><em>Eat 60 to 90 minutes before your workout</em></p><p>Oats with berries and a spoon of nut butter.</p>`)
      .join('');
    const html = page(
      '<title>Standings and plan</title>',
      `<article><h1>Standings and plan</h1>${prose(3, 'the season')}${schedule}<table>${rows}</table></article>`,
    );
    const text = await textOf(html);
    expect(text).toContain('1 Kyle Example 5040');
    expect(text).toContain('3 Kevin Test 5033');
    expect(text.match(/Eat 60 to 90 minutes before your workout/g)).toHaveLength(3);
  });

  it('a page with no article at all is a SYN_ERR_ code, not an empty item', async () => {
    const html = page('<title>Home</title>', '<nav><a href="/">Home</a></nav><div id="app"></div>');
    await expect(normalizePage(html)).rejects.toSatisfy((e: unknown) => e instanceof SyndicateError && e.code === 'SYN_ERR_NO_ARTICLE');
  });
});
