import { load } from 'cheerio/slim';
import { describe, expect, it } from 'vitest';
import { htmlText } from '../../src/content/html.js';

/** What the full-text decisions read before htmlText: the fragment loaded with cheerio, its text squeezed. */
const cheerioText = (html: string): string => load(html, null, false).text().replace(/\s+/g, ' ').trim();

describe('htmlText', () => {
  it('reads every text node, entities decoded, comments left out, whitespace squeezed', () => {
    expect(htmlText('<p>a &amp; b</p>\n<!-- note -->  <p>c&nbsp;d</p>')).toBe('a & b c\u00a0d'.replace(/\s+/g, ' '));
    expect(htmlText('plain text, no tags')).toBe('plain text, no tags');
    expect(htmlText(null)).toBe('');
    expect(htmlText('<br><img src="x">')).toBe('');
  });

  it('answers what cheerio answers, on broken and tricky markup too', () => {
    const cases = [
      '<p>unclosed <b>bold <i>italic',
      '<script>if (a < b) x()</script><style>.a{}</style>text',
      '<![CDATA[hidden]]>shown',
      '<textarea><p>not a tag</p></textarea><title>a&amp;b</title>',
      'a &lt;tag&gt; &#x41;&#66; &unknown; &amp',
      '<table><tr><td>one<td>two</table> <ul><li>x<li>y</ul>',
      `<div>${'<span>word</span> '.repeat(500)}</div>`,
    ];
    for (const html of cases) expect(htmlText(html)).toBe(cheerioText(html));
  });
});
