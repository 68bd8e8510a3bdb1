import { load, type CheerioAPI } from 'cheerio/slim';
import type { Element } from 'domhandler';
import { absoluteUrl, HTML_OPTIONS } from './html.js';
import { escapeRegExp, normalizeLanguageTag, squeeze } from './text.js';
import { canonicalizeUrl } from './canonical-url.js';

/** What an HTML article page says about itself, and its main content. */
export interface PageMetadata {
  /** rel=canonical, else og:url, else the page URL; tracking parameters removed, AMP mapped. */
  canonicalUrl: string;
  /** og:title, else JSON-LD headline, else the first h1, else `<title>` without the site suffix. */
  title: string | null;
  /** ISO 8601, or null when the page gives no readable date. */
  publishedAt: string | null;
  updatedAt: string | null;
  author: string | null;
  /** Absolute URL of the page's lead picture. */
  leadImage: string | null;
  /** ISO 639-1 code from `<html lang>`, og:locale, Content-Language or JSON-LD. */
  language: string | null;
  siteName: string | null;
  description: string | null;
  /** The main content's HTML, without navigation, header, footer, asides and scripts. */
  bodyHtml: string;
}

/** JSON-LD types that describe the article itself. */
const ARTICLE_TYPES = /^(?:NewsArticle|Article|ReportageNewsArticle|AnalysisNewsArticle|OpinionNewsArticle|BlogPosting|WebPage|InterviewArticle)$/;

type Json = Record<string, unknown>;

function asObjects(value: unknown): Json[] {
  if (Array.isArray(value)) return value.flatMap(asObjects);
  if (value && typeof value === 'object') {
    const obj = value as Json;
    return [obj, ...asObjects(obj['@graph'])];
  }
  return [];
}

function typeMatches(obj: Json): boolean {
  const type = obj['@type'];
  return (Array.isArray(type) ? type : [type]).some((t) => typeof t === 'string' && ARTICLE_TYPES.test(t));
}

/** The article object of the page's JSON-LD, the most specific type first; {} when there is none. */
function jsonLdArticle($: CheerioAPI): Json {
  const objects: Json[] = [];
  $('script[type="application/ld+json"]').each((_, el) => {
    try {
      objects.push(...asObjects(JSON.parse($(el).text())));
    } catch {
      // Broken JSON-LD is common; the other metadata still applies.
    }
  });
  const articles = objects.filter(typeMatches);
  return articles.find((o) => o['@type'] !== 'WebPage') ?? articles[0] ?? {};
}

function text(value: unknown): string | null {
  if (typeof value === 'string') return squeeze(value) || null;
  if (Array.isArray(value)) {
    const parts = value.map(text).filter((v): v is string => v !== null);
    return parts.length > 0 ? parts.join(', ') : null;
  }
  if (value && typeof value === 'object') {
    const obj = value as Json;
    return text(obj['name'] ?? obj['url'] ?? obj['@id']);
  }
  return null;
}

function firstImage(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return firstImage(value[0]);
  if (value && typeof value === 'object') return firstImage((value as Json)['url'] ?? (value as Json)['contentUrl']);
  return null;
}

/** A date as ISO 8601; null when it cannot be read. Parsing a given string needs no clock. */
function isoDate(value: string | null | undefined): string | null {
  if (!value) return null;
  const time = Date.parse(value.trim());
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

function pick(...values: (string | null | undefined)[]): string | null {
  for (const value of values) {
    const flat = value ? squeeze(value) : '';
    if (flat !== '') return flat;
  }
  return null;
}

/** Elements that hold no article content. */
const CHROME = 'script, style, noscript, template, iframe, nav, header, footer, aside, form, button, svg';

/**
 * The main content: `[itemprop=articleBody]`, else the `<article>` with the most text, else the element
 * whose own paragraphs hold the most text (the densest block).
 */
function mainContent($: CheerioAPI): string {
  $(CHROME).remove();
  const textLength = (el: Element): number => squeeze($(el).text()).length;
  const byItemprop = $('[itemprop="articleBody"]').get(0);
  if (byItemprop) return $.html(byItemprop);
  const articles = $('article').get().sort((a, b) => textLength(b) - textLength(a));
  if (articles[0] && textLength(articles[0]) > 0) return $.html(articles[0]);
  let best: Element | null = null;
  let bestScore = 0;
  $('p').each((_, p) => {
    const parent = p.parent as Element | null;
    if (!parent || parent.type !== 'tag') return;
    const score = $(parent)
      .children('p')
      .get()
      .reduce((sum, child) => sum + textLength(child), 0);
    if (score > bestScore) {
      best = parent;
      bestScore = score;
    }
  });
  return best ? $.html(best) : ($('body').html() ?? '');
}

/**
 * Reads an HTML article page: canonical URL, title, dates, author, lead image, language, site name and
 * the main content. `pageUrl` is the address the page was fetched from. Pure.
 *
 * The title keeps genre markers such as "– INTERVIEW": unlike Mozilla Readability, no suffix is cut
 * except the site's own name.
 */
export function extractPageMetadata(html: string, pageUrl: string): PageMetadata {
  const $ = load(html, HTML_OPTIONS);
  const meta = (key: string): string | null =>
    pick($(`meta[property="${key}"]`).attr('content'), $(`meta[name="${key}"]`).attr('content'));
  const ld = jsonLdArticle($);
  const publisher = ld['publisher'] as Json | undefined;

  const canonicalHref = $('link[rel~="canonical"]').attr('href');
  const canonicalSource = pick(canonicalHref ? absoluteUrl(canonicalHref, pageUrl) : null, meta('og:url') ? absoluteUrl(meta('og:url')!, pageUrl) : null, pageUrl);
  const siteName = pick(meta('og:site_name'), text(publisher?.['name']), meta('application-name'));
  const documentTitle = pick($('title').first().text());
  const siteSuffix = siteName ? new RegExp(`\\s*[|\\u2013\\u2014-]\\s*${escapeRegExp(siteName)}\\s*$`, 'i') : null;
  const title = pick(
    meta('og:title'),
    meta('twitter:title'),
    text(ld['headline']),
    $('h1').first().text(),
    siteSuffix && documentTitle ? documentTitle.replace(siteSuffix, '') : documentTitle,
  );
  const metaAuthor = meta('article:author');
  const author = pick(meta('author'), text(ld['author']), metaAuthor && !/^https?:/i.test(metaAuthor) ? metaAuthor : null, $('[rel="author"]').first().text());
  const image = pick(meta('og:image:secure_url'), meta('og:image'), meta('twitter:image'), firstImage(ld['image']));
  const language =
    normalizeLanguageTag($('html').attr('lang')) ??
    normalizeLanguageTag(meta('og:locale')) ??
    normalizeLanguageTag($('meta[http-equiv="content-language" i]').attr('content')) ??
    normalizeLanguageTag(text(ld['inLanguage']));
  const time = $('article time[datetime], time[datetime]').first().attr('datetime');

  return {
    canonicalUrl: canonicalizeUrl(canonicalSource ?? pageUrl),
    title,
    publishedAt: isoDate(pick(meta('article:published_time'), text(ld['datePublished']), meta('date'), time)),
    updatedAt: isoDate(pick(meta('article:modified_time'), text(ld['dateModified']), meta('og:updated_time'))),
    author,
    leadImage: image ? absoluteUrl(image, pageUrl) || null : null,
    language,
    siteName,
    description: pick(meta('og:description'), meta('description'), text(ld['description'])),
    bodyHtml: mainContent($),
  };
}
