import { Readability } from '@mozilla/readability';
import { escapeHtml } from './text.js';
import { textOf, type DomDocument, type DomElement } from './dom.js';

/** Which rule gave the page's main content (logged and tested, so each rule stays visible). */
export type ContentSource = 'itemprop' | 'readability' | 'json-ld' | 'none';

/** A page's main content as HTML, with the rule that chose it. */
export interface MainContent {
  html: string;
  source: ContentSource;
}

/**
 * Below this many characters of text, what Readability returns is a scrap (a byline, a standfirst, a cookie
 * notice) rather than an article, and the page's JSON-LD `articleBody`, when longer, is preferred.
 */
const MIN_ARTICLE_CHARS = 250;

/** The element of `[itemprop=articleBody]` holding the most text; null when none holds any. */
function itempropBody(document: DomDocument): DomElement | null {
  let best: DomElement | null = null;
  let bestLength = 0;
  const found = document.querySelectorAll('[itemprop~="articleBody"]');
  for (let i = 0; i < found.length; i += 1) {
    const length = textOf(found[i]).length;
    if (length > bestLength) {
      best = found[i]!;
      bestLength = length;
    }
  }
  return best;
}

/** Plain-text `articleBody` as HTML paragraphs (its line breaks are the only structure it has). */
function jsonLdBodyHtml(articleBody: string): string {
  return articleBody
    .split(/\n\s*\n|\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => `<p>${escapeHtml(line)}</p>`)
    .join('\n');
}

/**
 * Finds the article in a parsed page. The rule, in order:
 * 1. the publisher's own mark, `[itemprop=articleBody]` (the one with the most text), when it holds text;
 * 2. else Mozilla Readability's pick, which beats hand-written block scoring on real pages (F1 0.95 against
 *    0.85 on the development corpus), unless it yields less than {@link MIN_ARTICLE_CHARS} characters and the
 *    JSON-LD `articleBody` says more;
 * 3. else the JSON-LD `articleBody` (`jsonLdBody`), the text publishers hand to search engines;
 * 4. else nothing: `html` is '' and the caller reports that no article was found.
 * Readability alters the document, so the caller reads its metadata first. Furniture left inside the chosen
 * element (share bars, captions, sign-offs) is the article analysis' job, not this one's.
 */
export function findMainContent(document: DomDocument, jsonLdBody: string | null): MainContent {
  const marked = itempropBody(document);
  if (marked) return { html: marked.outerHTML, source: 'itemprop' };
  const ldBody = jsonLdBody?.trim() ?? '';
  // Readability's output drops class names: site frameworks put words such as "widget" on the article's own
  // wrappers, which the article analysis would otherwise take for furniture.
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability>[0]).parse();
  const picked = article?.content ?? '';
  const pickedLength = (article?.textContent ?? '').replace(/\s+/g, ' ').trim().length;
  if (pickedLength > 0 && (pickedLength >= MIN_ARTICLE_CHARS || pickedLength >= ldBody.length)) return { html: picked, source: 'readability' };
  if (ldBody !== '') return { html: jsonLdBodyHtml(ldBody), source: 'json-ld' };
  return { html: '', source: 'none' };
}
