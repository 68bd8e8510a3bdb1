import { absoluteUrl } from './html.js';
import { escapeRegExp, normalizeLanguageTag, squeeze } from './text.js';
import { canonicalizeUrl } from './canonical-url.js';
import { parsePage, textOf, type DomDocument } from './dom.js';
import { findMainContent, type ContentSource, type PageRules } from './main-content.js';

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
  /** The main content's HTML ('' when the page holds no article), without navigation, header, footer, asides and scripts. */
  bodyHtml: string;
  /** The rule of {@link findMainContent} that chose `bodyHtml`. */
  contentSource: ContentSource;
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
function jsonLdArticle(document: DomDocument): Json {
  const objects: Json[] = [];
  const scripts = document.querySelectorAll('script[type="application/ld+json"]');
  for (let i = 0; i < scripts.length; i += 1) {
    try {
      objects.push(...asObjects(JSON.parse(scripts[i]!.textContent ?? '')));
    } catch {
      // Broken JSON-LD is common; the other metadata still applies.
    }
  }
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

/**
 * Reads an HTML article page: canonical URL, title, dates, author, lead image, language, site name and
 * the main content. `pageUrl` is the address the page was fetched from; `rules`, the source's keep and removal
 * selectors. Pure.
 *
 * The title keeps genre markers such as "– INTERVIEW": unlike Mozilla Readability, no suffix is cut
 * except the site's own name.
 */
export function extractPageMetadata(html: string, pageUrl: string, rules?: PageRules): PageMetadata {
  const document = parsePage(html);
  // One pass over the <meta> tags: property= and name= share one namespace, the first tag of a key wins.
  const metas = new Map<string, string>();
  let contentLanguage: string | null = null;
  const metaTags = document.querySelectorAll('meta');
  for (let i = 0; i < metaTags.length; i += 1) {
    const tag = metaTags[i]!;
    const content = tag.getAttribute('content');
    if (content === null || content.trim() === '') continue;
    for (const key of [tag.getAttribute('property'), tag.getAttribute('name')]) {
      if (key && !metas.has(key)) metas.set(key, content);
    }
    if (tag.getAttribute('http-equiv')?.toLowerCase() === 'content-language') contentLanguage ??= content;
  }
  const meta = (key: string): string | null => pick(metas.get(key));
  const ld = jsonLdArticle(document);
  const publisher = ld['publisher'] as Json | undefined;

  const canonicalHref = document.querySelector('link[rel~="canonical"]')?.getAttribute('href');
  const canonicalSource = pick(
    canonicalHref ? absoluteUrl(canonicalHref, pageUrl) : null,
    meta('og:url') ? absoluteUrl(meta('og:url')!, pageUrl) : null,
    pageUrl,
  );
  const siteName = pick(meta('og:site_name'), text(publisher?.['name']), meta('application-name'));
  const documentTitle = pick(textOf(document.querySelector('title')));
  const siteSuffix = siteName ? new RegExp(`\\s*[|\\u2013\\u2014-]\\s*${escapeRegExp(siteName)}\\s*$`, 'i') : null;
  const title = pick(
    meta('og:title'),
    meta('twitter:title'),
    text(ld['headline']),
    textOf(document.querySelector('h1')),
    siteSuffix && documentTitle ? documentTitle.replace(siteSuffix, '') : documentTitle,
  );
  const metaAuthor = meta('article:author');
  const author = pick(
    meta('author'),
    text(ld['author']),
    metaAuthor && !/^https?:/i.test(metaAuthor) ? metaAuthor : null,
    textOf(document.querySelector('[rel="author"]')),
  );
  const image = pick(meta('og:image:secure_url'), meta('og:image'), meta('twitter:image'), firstImage(ld['image']));
  const language =
    normalizeLanguageTag(document.documentElement?.getAttribute('lang')) ??
    normalizeLanguageTag(meta('og:locale')) ??
    normalizeLanguageTag(contentLanguage) ??
    normalizeLanguageTag(text(ld['inLanguage']));
  const time = (document.querySelector('article time[datetime]') ?? document.querySelector('time[datetime]'))?.getAttribute('datetime');
  const articleBody = typeof ld['articleBody'] === 'string' ? ld['articleBody'] : null;

  const metadata = {
    canonicalUrl: canonicalizeUrl(canonicalSource ?? pageUrl),
    title,
    publishedAt: isoDate(pick(meta('article:published_time'), text(ld['datePublished']), meta('date'), time)),
    updatedAt: isoDate(pick(meta('article:modified_time'), text(ld['dateModified']), meta('og:updated_time'))),
    author,
    leadImage: image ? absoluteUrl(image, pageUrl) || null : null,
    language,
    siteName,
    description: pick(meta('og:description'), meta('description'), text(ld['description'])),
  };
  // Last: finding the content alters the document the metadata was read from.
  const content = findMainContent(document, articleBody, rules);
  return { ...metadata, bodyHtml: content.html, contentSource: content.source };
}
