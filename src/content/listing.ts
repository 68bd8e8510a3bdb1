import { load, type CheerioAPI } from 'cheerio/slim';
import type { AnyNode } from 'domhandler';
import type { ListingRules, SourceConfig } from '../config/schema.js';
import { parseFeed, type FeedReadingOptions } from './parse-feed.js';
import { SyndicateError } from '../core/errors.js';
import type { FeedEntry, ParsedFeed } from './feed-entry.js';
import { parseFeedDate } from './feed-date.js';
import { absoluteUrl, HTML_OPTIONS } from './html.js';
import { squeeze } from './text.js';

/** What a site without a feed publishes instead: its listing page (`html`) or its JSON (`json`). */
export type ListingFormat = 'html' | 'json';

const entryOf = (link: string, title: string, date: string | null, summary: string | null): FeedEntry => ({
  guid: link,
  link,
  title,
  publishedAt: date,
  updatedAt: null,
  author: null,
  summary,
  contentHtml: null,
  categories: [],
  imageUrl: null,
  language: null,
});

const feedOf = (title: string, link: string, entries: FeedEntry[]): ParsedFeed => ({
  title,
  link,
  language: null,
  hubUrl: null,
  selfUrl: null,
  ttlMinutes: null,
  updatePeriodMinutes: null,
  entries,
  warnings: [],
});

/**
 * Reads a site's listing into feed entries, for the rest of the pipeline to treat as any feed's (full text,
 * normalize, dedup): `html` with the CSS selectors of `rules`, `json` with its dot paths. The link, made absolute
 * against `documentUrl`, is an entry's identity (its guid): an element without one is skipped, and a link listed twice
 * counts once. Only this document is read (no next pages); at most `maxEntries` entries. Pure.
 * Throws `SYN_ERR_PARSE_FAILED` when the document is not what the format says or holds no entries where `rules` point.
 */
export function parseListing(text: string, documentUrl: string, format: ListingFormat, rules: ListingRules, maxEntries = 500): ParsedFeed {
  const raw = format === 'html' ? htmlEntries(text, documentUrl, rules) : jsonEntries(text, documentUrl, rules);
  const seen = new Set<string>();
  const entries: FeedEntry[] = [];
  for (const entry of raw.entries) {
    if (seen.has(entry.link!) || entries.length >= maxEntries) continue;
    seen.add(entry.link!);
    entries.push(entry);
  }
  if (entries.length === 0)
    throw new SyndicateError(
      'SYN_ERR_PARSE_FAILED',
      `${documentUrl}: no entries with a link at ${format === 'html' ? `"${rules.item}"` : `path "${rules.item}"`}`,
    );
  return feedOf(raw.title, documentUrl, entries);
}

function htmlEntries(text: string, documentUrl: string, rules: ListingRules): { title: string; entries: FeedEntry[] } {
  const $ = load(text, HTML_OPTIONS);
  const base = absoluteUrl($('base[href]').attr('href') ?? '', documentUrl) || documentUrl;
  const entries: FeedEntry[] = [];
  $(rules.item).each((_, item) => {
    const link = linkOf($, item, rules.link);
    const url = link ? absoluteUrl(link.attr('href') ?? '', base) : '';
    if (!/^https?:\/\//i.test(url)) return;
    const title = squeeze((rules.title ? $(item).find(rules.title).first() : (link ?? $(item))).text());
    const dateElement = rules.date ? $(item).find(rules.date).first() : $(item).find('time[datetime]').first();
    const date = dateElement.length > 0 ? parseFeedDate(dateElement.attr('datetime') ?? dateElement.attr('content') ?? squeeze(dateElement.text())) : null;
    const summary = rules.summary ? squeeze($(item).find(rules.summary).first().text()) || null : null;
    entries.push(entryOf(url, title, date, summary));
  });
  return { title: squeeze($('title').first().text()), entries };
}

/** The element holding an entry's link: `selector` within the item, else its first `a[href]`, else the item itself when it is a link. */
function linkOf($: CheerioAPI, item: AnyNode, selector: string | undefined): ReturnType<CheerioAPI> | null {
  const element = $(item);
  if (selector) {
    const found = element.is(selector) ? element : element.find(selector).first();
    return found.length > 0 ? found : null;
  }
  if (element.is('a[href]')) return element;
  const first = element.find('a[href]').first();
  return first.length > 0 ? first : null;
}

/** The value at a dot path (`data.items`, `media.0.url`); the root for ''. */
function at(value: unknown, path: string): unknown {
  if (path === '') return value;
  let current = value;
  for (const key of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

const textAt = (value: unknown, path: string | undefined): string | null => {
  if (!path) return null;
  const found = at(value, path);
  if (typeof found === 'string') return squeeze(found) || null;
  if (typeof found === 'number') return String(found);
  return null;
};

function jsonEntries(text: string, documentUrl: string, rules: ListingRules): { title: string; entries: FeedEntry[] } {
  let document: unknown;
  try {
    document = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', `${documentUrl}: not JSON (${(err as Error).message})`);
  }
  const items = at(document, rules.item);
  if (!Array.isArray(items)) throw new SyndicateError('SYN_ERR_PARSE_FAILED', `${documentUrl}: no array at path "${rules.item}"`);
  const entries: FeedEntry[] = [];
  for (const item of items) {
    const url = absoluteUrl(textAt(item, rules.link ?? 'url') ?? '', documentUrl);
    if (!/^https?:\/\//i.test(url)) continue;
    const date = textAt(item, rules.date);
    // A number is a Unix time: seconds, or milliseconds when that large.
    const numeric = date !== null && /^\d{9,13}$/.test(date) ? new Date(Number(date) * (date.length > 11 ? 1 : 1000)).toISOString() : null;
    entries.push(entryOf(url, textAt(item, rules.title ?? 'title') ?? '', numeric ?? parseFeedDate(date), textAt(item, rules.summary)));
  }
  return { title: textAt(document, 'title') ?? '', entries };
}

/**
 * A source's document as entries: a feed (RSS, Atom, JSON Feed), or for a site without one (`format: html|json`)
 * its listing read with the source's `listing` selectors or paths. The one way the fetch stage and
 * `syndicate normalize --source` read a source.
 */
export async function readSourceDocument(
  text: string,
  documentUrl: string,
  source: Pick<SourceConfig, 'format' | 'listing'> | null | undefined,
  maxEntries: number,
  options: FeedReadingOptions = {},
): Promise<ParsedFeed> {
  if (source && source.format !== 'feed' && source.listing) return parseListing(text, documentUrl, source.format, source.listing, maxEntries);
  return parseFeed(text, maxEntries, options);
}
