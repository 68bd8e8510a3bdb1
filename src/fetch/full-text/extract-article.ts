import { load, type CheerioAPI } from 'cheerio/slim';
import type { Element } from 'domhandler';
import { HTML_OPTIONS } from '../../content/html.js';
import { extractPageMetadata, type PageMetadata } from '../../content/page-metadata.js';

/**
 * Words in a class or id that mark page furniture rather than article text (after Readability's
 * "unlikely candidates", but matched as whole words so that `.story-body` or `.entry-content` never match).
 */
const FURNITURE_WORDS = new Set([
  'ad', 'ads', 'adv', 'advert', 'advertisement', 'adslot', 'banner', 'breadcrumb', 'breadcrumbs', 'comment', 'comments', 'commentlist',
  'consent', 'cookie', 'cookies', 'gdpr', 'disqus', 'newsletter', 'subscribe', 'signup', 'paywall', 'popup', 'modal', 'promo',
  'outbrain', 'taboola', 'related', 'recommended', 'recommendations', 'readmore', 'share', 'sharing', 'social', 'sponsor', 'sponsored',
  'sidebar', 'skip', 'tags', 'trending', 'popular', 'mostread', 'yarpp', 'toolbar',
]);

/** Containers never removed by the furniture rule, whatever their class says (`<article class="has-comments">`). */
const NEVER_REMOVED = new Set(['html', 'body', 'main', 'article']);

const words = (el: Element): string[] => `${el.attribs['class'] ?? ''} ${el.attribs['id'] ?? ''}`.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean);

function isFurniture(el: Element): boolean {
  if (NEVER_REMOVED.has(el.name) || el.attribs['itemprop'] === 'articleBody') return false;
  const role = el.attribs['role'];
  if (role === 'dialog' || role === 'alertdialog' || role === 'complementary' || role === 'banner' || role === 'contentinfo') return true;
  if ('hidden' in el.attribs || el.attribs['aria-hidden'] === 'true' || /display\s*:\s*none/i.test(el.attribs['style'] ?? '')) return true;
  return words(el).some((word) => FURNITURE_WORDS.has(word));
}

/** Text length and the share of it that is link text: lists of links (related, most read) score near 1. */
function linkDensity($: CheerioAPI, el: Element): { length: number; density: number } {
  const length = $(el).text().replace(/\s+/g, ' ').trim().length;
  const linked = $(el).find('a').text().replace(/\s+/g, ' ').trim().length;
  return { length, density: length === 0 ? 0 : linked / length };
}

/**
 * Removes what surrounds the article inside `<body>`: elements marked as furniture by class, id, role or
 * visibility, and blocks (lists, divs, sections) that are mostly links, unless they hold a real paragraph.
 * Figures and images are kept: the normalizer reads captions and credits from them.
 */
function removeFurniture($: CheerioAPI): void {
  $('body *').each((_, node) => {
    const el = node as Element;
    if (el.parent && isFurniture(el)) $(el).remove();
  });
  $('body ul, body ol, body div, body section, body table').each((_, node) => {
    const el = node as Element;
    if ($(el).find('figure, img').length > 0) return;
    const { length, density } = linkDensity($, el);
    const hasProse = $(el).find('p').get().some((p) => linkDensity($, p as Element).density < 0.3 && $(p).text().trim().length >= 80);
    if (length > 0 && density > 0.6 && !hasProse) $(el).remove();
  });
}

/**
 * Reads an article page for full text: the page's metadata (canonical URL, Open Graph, JSON-LD, via
 * `extractPageMetadata`) and its main content, after the furniture a news page wraps around the article
 * (share bars, ads, newsletter boxes, comments, related stories, cookie banners) has been taken out. Pure.
 */
export function extractArticle(html: string, pageUrl: string): PageMetadata {
  const $ = load(html, HTML_OPTIONS);
  // Metadata lives in <head> and in JSON-LD scripts, which this pass does not touch.
  removeFurniture($);
  return extractPageMetadata($.html(), pageUrl);
}
