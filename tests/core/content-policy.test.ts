import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { isSanitizedContentHtml, plainText, rewriteContentHtml, sanitizeContentHtml, stripMarkup } from '../../src/core/content-policy.js';
import { safeItem } from '../../src/core/safe-item.js';
import { safeUrl } from '../../src/core/url-policy.js';
import { renderChannel } from '../../src/publish/render-feed.js';
import { channel, interviewItem } from '../publish/fixtures.js';

describe('the URL policy', () => {
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    ' javascript:alert(1)',
    'jav\tascript:alert(1)',
    'jav&#x09;ascript:alert(1)',
    '&#106;avascript:alert(1)',
    '&amp;#106;avascript:alert(1)',
    'javascript&colon;alert(1)',
    '\u0001javascript:alert(1)',
    'java\u0000script:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'data:image/png;base64,AAAA',
    'vbscript:msgbox(1)',
    'file:///etc/passwd',
    'ftp://example.com/x',
    'mailto:a@example.com',
    '/relative/without/base',
    '',
    'http://',
  ])('drops %j', (raw) => expect(safeUrl(raw)).toBeNull());

  it('keeps http(s), resolves relative addresses against an http(s) base only, and allows mailto only where asked', () => {
    expect(safeUrl('https://example.com/a?x=1&amp;y=2')).toBe('https://example.com/a?x=1&y=2');
    expect(safeUrl(' HTTP://Example.com ')).toBe('http://example.com/');
    expect(safeUrl('/n/2', { base: 'https://news.az/n/1' })).toBe('https://news.az/n/2');
    expect(safeUrl('//cdn.example/i.jpg', { base: 'https://news.az/' })).toBe('https://cdn.example/i.jpg');
    expect(safeUrl('/n/2', { base: 'file:///tmp/feed.xml' })).toBeNull();
    expect(safeUrl('mailto:a@example.com', { allowMailto: true })).toBe('mailto:a@example.com');
  });
});

describe('the content policy', () => {
  it('plain text: elements go, literal tag-like text is made inert, applying it again changes nothing', () => {
    expect(plainText('<b>Bold</b> &amp; <script>alert(1)</script>plain')).toBe('Bold & plain');
    expect(plainText('History of the &lt;blink&gt; tag')).toBe('History of the < blink> tag');
    expect(stripMarkup('< blink> & <3')).toBe('< blink> & <3');
    expect(stripMarkup('<img src=x onerror=alert(1)>')).not.toMatch(/<[a-z]/i);
  });

  it.each([
    ['<noscript><p title="</noscript><img src=x onerror=alert(1)>">', /onerror|<img/],
    ['<svg><style><img src=x onerror=alert(1)></style></svg>', /onerror|<img|<svg|<style/],
    ['<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>', /onerror|<img|<math|<style/],
    ['<img srcset="javascript:alert(1) 1x" src="https://ok.example/a.jpg">', /srcset|javascript/],
    ['<svg><a xlink:href="javascript:alert(1)">x</a></svg>', /xlink|javascript/],
    ['<form><button formaction="javascript:alert(1)">X</button></form>', /formaction|<form|<button/],
    ['<p style="background:url(javascript:alert(1))">x</p>', /style|javascript/],
    ['<a href="&#106;avascript:alert(1)">x</a>', /href/],
  ])('sanitizes %s', (html, forbidden) => {
    const clean = sanitizeContentHtml(html, 'https://news.example/a');
    expect(clean).not.toMatch(forbidden);
    expect(sanitizeContentHtml(clean, 'https://news.example/a')).toBe(clean);
  });

  it('a stored story with hostile fields renders in every format, with nothing of them left', () => {
    const hostile = interviewItem(1, {
      url: '&#106;avascript:alert(1)',
      title: '<img src=x onerror=alert(1)>Title',
      summary: '<meta http-equiv=refresh content=0>Summary',
      images: [{ url: 'javascript:alert(1)', caption: '<b>c</b>' }],
      source: { id: 's', name: '<i>S</i>', url: 'vbscript:x', itemUrl: 'data:text/html,x' },
      sources: [{ id: 's', name: '<i>S</i>', url: 'vbscript:x', itemUrl: 'data:text/html,x' }],
      interview: null,
    });
    const safe = safeItem(hostile);
    expect([safe.url, safe.source.url, safe.source.itemUrl]).toEqual(['', '', '']);
    expect(safe.images).toEqual([{ url: '', caption: '< b>c< /b>' }]);
    expect(safeItem(safe)).toEqual(safe);
    for (const format of ['rss', 'atom', 'json'] as const) {
      const body = renderChannel(format, channel(), [hostile, interviewItem(2)], { publicUrl: 'https://syn.example' }, new Date('2025-06-12T10:00:00Z'));
      // Text that only reads like an attack ("< img … onerror=…") may stay, inert; no address, element or handler may.
      expect(body).not.toMatch(
        /(href|src|url)=("|&quot;|\\")?\s*(javascript|vbscript|data):|"url":"(javascript|vbscript|data)|<img[^>]*onerror|<meta|<i>|<b>/i,
      );
      expect(body).toContain('trofimchuk-interview-2');
    }
  });
});

describe('the proof that a body is already clean (the outputs skip the sanitizer on stored bodies)', () => {
  const base = 'https://news.example/a/b';
  const { attacks } = JSON.parse(readFileSync(new URL('../fixtures/xss/attacks.json', import.meta.url), 'utf8')) as { attacks: Array<{ payload: string }> };
  const inputs = attacks.flatMap(({ payload }) => [payload, `<p>x</p>${payload}`, `<p><a href="${payload.replace(/"/g, '&quot;')}">link</a></p>`]);
  inputs.push(interviewItem(1).contentHtml, '<p>A &amp; B &lt;c&gt; "q"</p>\n<ul><li>one</li><li>two</li></ul><img alt="" src="https://x.example/i.jpg" />');
  const clean = inputs.map((html) => rewriteContentHtml(html, base)).filter(Boolean);
  /** Edits a sanitized body may suffer in storage, one or several at random places. */
  const EDITS = [
    '<p>',
    '</p>',
    '<div>',
    '</div>',
    '&nbsp;',
    '&',
    '"',
    '>',
    '<',
    ' class="q"',
    ' class="x"',
    '<br>',
    '<br />',
    '<img src="javascript:x" />',
    '<img src="https://x.example/i.jpg" />',
    '<a href="https://x.y/">',
    '</a>',
    ' ',
    '<li>',
    '</li>',
    '<td>',
    '<tr>',
    '</tr>',
    '<dt>',
    '<dd>',
    '&quot;',
    '<a title="">',
    '<a href="/rel">',
    '<a href="https://x.y">',
    '<span class="a b">',
    '</span>',
    '<!-- c -->',
    '<P>',
    '<p class="q a">',
    '<p class="q  a">',
    '<hr>',
    '<hr />',
    '<img src="mailto:a@b.c" />',
    '<tbody>',
    '<tfoot>',
    '<svg>',
    '<a onclick="x">',
    '<a href="javascript:alert(1)">',
  ];

  it('holds for everything the sanitizer writes', () => {
    for (const html of clean) expect(isSanitizedContentHtml(html, base), html).toBe(true);
  });

  it('holds only for bodies the sanitizer leaves unchanged (random edits of clean bodies)', () => {
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    let proved = 0;
    for (let round = 0; round < 20_000; round++) {
      let html = next() < 0.5 ? clean[Math.floor(next() * clean.length)]! : '';
      for (let edits = 1 + Math.floor(next() * 4); edits > 0; edits--) {
        const at = Math.floor(next() * (html.length + 1));
        html = html.slice(0, at) + EDITS[Math.floor(next() * EDITS.length)] + html.slice(at);
      }
      if (!isSanitizedContentHtml(html, base)) continue;
      proved++;
      expect(rewriteContentHtml(html, base), html).toBe(html);
    }
    expect(proved).toBeGreaterThan(500);
  });

  it('never holds for an attack', () => {
    for (const html of inputs) if (rewriteContentHtml(html, base) !== html) expect(isSanitizedContentHtml(html, base), html).toBe(false);
  });
});
