import { Readability } from '@mozilla/readability';
import { escapeHtml } from './text.js';
import { textOf, type DomDocument, type DomElement } from './dom.js';

/** Which rule gave the page's main content (logged and tested, so each rule stays visible). */
export type ContentSource = 'keep-selector' | 'itemprop' | 'readability' | 'json-ld' | 'none';

/** A source's own word on where its articles are and what in them is furniture (`sources[].cleanup`, `extractionRules`). */
export interface PageRules {
  keepSelector?: string;
  removeSelectors?: readonly string[];
}

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

/** The element matching `selector` holding the most text; null when none holds any (or the selector is broken). */
function largestMatch(document: DomDocument, selector: string): DomElement | null {
  let best: DomElement | null = null;
  let bestLength = 0;
  let found: ArrayLike<DomElement>;
  try {
    found = document.querySelectorAll(selector);
  } catch {
    // The config validator reports a broken selector; here it matches nothing.
    return null;
  }
  for (let i = 0; i < found.length; i += 1) {
    const length = textOf(found[i]).length;
    if (length > bestLength) {
      best = found[i]!;
      bestLength = length;
    }
  }
  return best;
}

/** Length of an element's text and the share of it inside links. */
function linkDensity(el: DomElement): { length: number; density: number } {
  const length = textOf(el).length;
  if (length === 0) return { length, density: 0 };
  let linked = 0;
  const links = el.querySelectorAll('a');
  for (let i = 0; i < links.length; i += 1) linked += textOf(links[i]).length;
  return { length, density: linked / length };
}

/**
 * Takes out of Readability's pick the link lists it keeps (Readability 0.6 spares lists whatever their link
 * density): "more stories", "you may also like" teasers, tag clouds. A block goes when most of its text is
 * links, it holds no real paragraph and no picture; a short heading just before it goes with it.
 */
function removeLinkLists(root: DomElement): void {
  const candidates = root.querySelectorAll('ul, ol, div, section, table');
  for (let i = 0; i < candidates.length; i += 1) {
    const el = candidates[i]!;
    if (!el.parentNode || el.querySelector('img, figure, picture')) continue;
    const { length, density } = linkDensity(el);
    if (length === 0 || density <= 0.6) continue;
    const paragraphs = el.querySelectorAll('p');
    let prose = false;
    for (let j = 0; j < paragraphs.length && !prose; j += 1) {
      const p = linkDensity(paragraphs[j]!);
      prose = p.length >= 80 && p.density < 0.3;
    }
    if (prose) continue;
    const heading = el.previousElementSibling;
    if (heading && /^H[2-6]$/i.test(heading.tagName) && textOf(heading).length <= 40) heading.remove();
    el.remove();
  }
}

/**
 * Class or id words that mark site widgets rather than content: share bars, newsletter boxes, comment threads, author boxes, cookie banners,
 * related-story lists. Read on the page before Readability (whose output drops class names) and again on a feed's
 * own body (`normalize/article/blocks.ts`).
 */
export const WIDGET_ATTR =
  /(?:^|[\s_-])(?:share|sharing|social|related|newsletter|subscribe|advert|ads|adv|promo|breadcrumbs?|comments?|tags|widget|popular|most-read|read-more|readmore|sidebar|banner|sponsor|lang-switch|language-switcher|langs|bio|author-(?:bio|box|details|content|info|card)|about-author|post-author|cta|recirc|recirculation|recommended|recommendations|outbrain|taboola|cookies?|cookie-notice|gdpr)(?:$|[\s_-])/i;

/** Text hidden from sight and read only by screen readers ("Image caption", "Image copyright" labels). */
const SCREEN_READER_ONLY =
  /(?:^|\s)(?:sr-only|screen-reader-text|screen-reader-only|visually-hidden|visuallyhidden|off-screen|offscreen|element-invisible)(?:$|\s)/i;

/** Class or id words of a picture's caption or credit line: `wp-caption-text`, `media-caption__text`, `newsCaption`. */
const CAPTION_ATTR = /(?:^|[\s_-])(?:[Cc]aptions?|[Cc]redits?)(?:$|[\s_A-Z-])|[a-z](?:Caption|Credit)s?(?:$|[\s_A-Z-])/;

/** Longest text an element marked as a caption may hold and still be one (not an article that names its pictures). */
const MAX_CAPTION_CHARS = 400;

/** A widget holding at least this share of the page's prose is the article's own wrapper, whatever its class says. */
const MAX_WIDGET_SHARE = 0.4;

/** A paragraph at least this long is prose rather than a label, a teaser line or a button. */
const PROSE_CHARS = 80;

/** Characters of prose (paragraphs of {@link PROSE_CHARS} or more) inside an element. */
function proseLength(el: DomElement): number {
  let length = 0;
  const paragraphs = el.querySelectorAll('p');
  for (let i = 0; i < paragraphs.length; i += 1) {
    const text = textOf(paragraphs[i]).length;
    if (text >= PROSE_CHARS) length += text;
  }
  return length;
}

const classAndId = (el: DomElement): string => `${el.getAttribute('class') ?? ''} ${el.getAttribute('id') ?? ''}`;

/**
 * Readies a page (or the publisher's marked article element) for the content pick, while class names still say what
 * things are: screen-reader-only labels go; site widgets go (newsletter boxes, comment threads, share bars: the words
 * of {@link WIDGET_ATTR}), unless one holds the title, the marked article or a large share of the prose; an element
 * marked as a picture's caption or credit becomes a `<figcaption>`, which the article reader files with the pictures
 * rather than in the text.
 */
function markPageFurniture(document: DomDocument, root: DomElement): void {
  const sightless = root.querySelectorAll('[class]');
  for (let i = 0; i < sightless.length; i += 1) {
    if (SCREEN_READER_ONLY.test(sightless[i]!.getAttribute('class') ?? '')) sightless[i]!.remove();
  }
  const total = proseLength(root);
  const marked = root.querySelectorAll('[class], [id]');
  for (let i = 0; i < marked.length; i += 1) {
    const el = marked[i]!;
    if (!el.parentNode || /^(?:BODY|HTML|ARTICLE|MAIN)$/i.test(el.tagName)) continue;
    const attr = classAndId(el);
    if (WIDGET_ATTR.test(attr)) {
      if (el.querySelector('h1, [itemprop~="articleBody"]')) continue;
      if (total > 0 && proseLength(el) >= total * MAX_WIDGET_SHARE) continue;
      el.remove();
      continue;
    }
    if (CAPTION_ATTR.test(attr) && !/^(?:FIGURE|FIGCAPTION|IMG|PICTURE)$/i.test(el.tagName) && !el.querySelector('img, picture, video, figure, p + p')) {
      const text = textOf(el);
      if (text === '' || text.length > MAX_CAPTION_CHARS) continue;
      const caption = document.createElement('figcaption');
      caption.textContent = text;
      el.replaceWith(caption);
    }
  }
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
 * Finds the article in a parsed page. The source's `removeSelectors` go first; then, in order:
 * 0. the source's `keepSelector` (the matching element with the most text), when it holds text;
 * 1. the publisher's own mark, `[itemprop=articleBody]` (the one with the most text), when it holds text;
 * 2. else Mozilla Readability's pick, which beats hand-written block scoring on real pages (F1 0.95 against
 *    0.85 on the development corpus), unless it yields less than {@link MIN_ARTICLE_CHARS} characters and the
 *    JSON-LD `articleBody` says more;
 * 3. else the JSON-LD `articleBody` (`jsonLdBody`), the text publishers hand to search engines;
 * 4. else nothing: `html` is '' and the caller reports that no article was found.
 * Link lists are then taken out of the pick ({@link removeLinkLists}). Readability and that pass alter the
 * document, so the caller reads its metadata first. Furniture left inside the chosen
 * element (share bars, captions, sign-offs) is the article analysis' job, not this one's.
 */
export function findMainContent(document: DomDocument, jsonLdBody: string | null, rules: PageRules = {}): MainContent {
  for (const selector of rules.removeSelectors ?? []) {
    let found: ArrayLike<DomElement> = [];
    try {
      found = document.querySelectorAll(selector);
    } catch {
      // Reported by the config validator; a broken selector removes nothing.
    }
    for (let i = 0; i < found.length; i += 1) found[i]!.remove();
  }
  const kept = rules.keepSelector ? largestMatch(document, rules.keepSelector) : null;
  if (kept) {
    markPageFurniture(document, kept);
    return { html: kept.outerHTML, source: 'keep-selector' };
  }
  const marked = largestMatch(document, '[itemprop~="articleBody"]');
  if (marked) {
    markPageFurniture(document, marked);
    removeLinkLists(marked);
    return { html: marked.outerHTML, source: 'itemprop' };
  }
  const ldBody = jsonLdBody?.trim() ?? '';
  if (document.body) markPageFurniture(document, document.body);
  // Readability's output drops class names: site frameworks put words such as "widget" on the article's own
  // wrappers, which the article analysis would otherwise take for furniture.
  const article = new Readability(document as unknown as ConstructorParameters<typeof Readability<DomElement>>[0], {
    serializer: (node) => node as unknown as DomElement,
    disableJSONLD: true,
  }).parse();
  if (article?.content) removeLinkLists(article.content);
  const picked = article?.content?.innerHTML ?? '';
  const pickedLength = textOf(article?.content).length;
  if (pickedLength > 0 && (pickedLength >= MIN_ARTICLE_CHARS || pickedLength >= ldBody.length)) return { html: picked, source: 'readability' };
  if (ldBody !== '') return { html: jsonLdBodyHtml(ldBody), source: 'json-ld' };
  return { html: '', source: 'none' };
}
