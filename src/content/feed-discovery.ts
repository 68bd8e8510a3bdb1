import * as cheerio from 'cheerio';
import { absoluteUrl, HTML_OPTIONS } from './html.js';

/** A feed a home page names: where, what kind (from its `type`), and its title when given. */
export interface FeedCandidate {
  url: string;
  type: 'rss' | 'atom' | 'json' | 'unknown';
  title: string | null;
}

/** Where sites usually put their feed, tried in this order when a page names none. */
export const USUAL_FEED_PATHS = ['/feed', '/rss', '/atom.xml', '/feed.json', '/rss.xml', '/feed.xml', '/index.xml', '/feed/atom'];

const FEED_TYPES: Record<string, FeedCandidate['type']> = {
  'application/rss+xml': 'rss',
  'application/rdf+xml': 'rss',
  'application/atom+xml': 'atom',
  'application/feed+json': 'json',
  'application/json': 'json',
  'application/xml': 'unknown',
  'text/xml': 'unknown',
};

/**
 * The feeds a home page names with `<link rel="alternate">` (RSS, Atom, JSON Feed), in document order, resolved
 * against the page's URL (and its `<base>`), http(s) only, each once. Pure.
 */
export function feedLinksOf(html: string, pageUrl: string): FeedCandidate[] {
  const $ = cheerio.load(html, HTML_OPTIONS);
  // A broken <base> is ignored, as browsers do.
  const base = absoluteUrl($('base[href]').first().attr('href') ?? '', pageUrl) || pageUrl;
  const found: FeedCandidate[] = [];
  const seen = new Set<string>();
  $('link[rel][href]').each((_, element) => {
    const link = $(element);
    const rel = (link.attr('rel') ?? '').toLowerCase().split(/\s+/);
    const type = FEED_TYPES[(link.attr('type') ?? '').toLowerCase().split(';')[0]!.trim()];
    if (!rel.includes('alternate') || !type) return;
    const url = absoluteUrl(link.attr('href')!.trim(), base);
    if (!url || seen.has(url)) return;
    seen.add(url);
    found.push({ url, type, title: link.attr('title')?.trim() || null });
  });
  return found;
}

/** The usual feed paths on a page's site, as candidates to probe. */
export function usualFeedUrls(pageUrl: string): string[] {
  const { origin } = new URL(pageUrl);
  return USUAL_FEED_PATHS.map((path) => `${origin}${path}`);
}
