/**
 * The untrusted work the sandbox runs, one function per task: each takes plain data and answers plain data (both
 * cross a thread boundary by structured clone). They run in a pool thread (see sandbox.ts) and are exported for
 * tests and the benchmarks, which call them directly.
 */
import { capEntry, capPageHtml, cutHtml, type DocumentCaps } from '../content/caps.js';
import { decodeText } from '../content/decode-text.js';
import type { FeedEntry, ParsedFeed } from '../content/feed-entry.js';
import type { DateReadingOptions } from '../content/feed-date.js';
import { extractPageMetadata, type PageMetadata } from '../content/page-metadata.js';
import { feedLinksOf, type FeedCandidate } from '../content/feed-discovery.js';
import { parseFeed, sniffFormat } from '../content/parse-feed.js';
import { parseListing, readSourceDocument } from '../content/listing.js';
import type { CleanupRules, SourceConfig } from '../config/schema.js';
import { SyndicateError } from '../core/errors.js';
import type { NormalizedItem } from '../core/item.js';
import { mergePageIntoEntry } from '../fetch/full-text/merge-page.js';
import { needsFullText, type FullTextMode, type FullTextReason } from '../fetch/full-text/needs-full-text.js';
import { normalizeEntry, type EntrySource } from '../normalize/normalize-entry.js';
import { sketchText, type TextSketch } from '../dedup/analyze.js';

/** A document as fetched: its bytes and declared content type. */
export interface DocumentInput {
  body: Uint8Array;
  contentType?: string;
  /** Where it was read from (URL or file URL): an article page's base. */
  location: string;
  caps: DocumentCaps;
}

/** A feed read from its bytes, each entry within the caps, with whether each needs its article page. */
export interface ReadFeed {
  kind: 'feed';
  feed: ParsedFeed;
  /** Per entry, in order: whether its page is fetched under the source's `fullText` setting, and why. */
  fullText: Array<{ fetch: boolean; reason: FullTextReason }>;
}

/** An article page read as one entry (what `syndicate normalize` does with an HTML page). */
export interface ReadPage {
  kind: 'page';
  entry: FeedEntry;
  siteName: string | null;
}

/** True when an HTML page holds entries where the source's listing rules point. */
function listsEntries(text: string, location: string, source: ListingSource | undefined): boolean {
  if (source?.format !== 'html' || !source.listing) return false;
  try {
    return parseListing(text, location, 'html', source.listing, 1).entries.length > 0;
  } catch {
    return false;
  }
}

/** What of a source says how its document is read: a feed, or a listing page or JSON read with its rules. */
type ListingSource = Pick<SourceConfig, 'format' | 'listing'>;

/**
 * Decodes and parses a source's document (`accept: 'feed'`): a feed, or for a listing source its listing
 * (`source.format` html or json, read with `source.listing`); with `'feed-or-page'` (`syndicate normalize`) an HTML
 * page that is no listing of the source is read as an article page, with `pageRules`.
 */
export async function readDocument(
  input: DocumentInput & {
    maxEntries: number;
    fullText: FullTextMode;
    accept: 'feed' | 'feed-or-page';
    /** How the source writes its dates; `now`: the fetch time (epoch ms), later dates are clamped to it. */
    dates?: DateReadingOptions;
    now?: number;
    source?: ListingSource | null;
    /** The extraction rules for an article page (`'feed-or-page'`). */
    pageRules?: CleanupRules;
  },
): Promise<ReadFeed | ReadPage> {
  const text = decodeText(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), input.contentType);
  if (input.accept === 'feed-or-page' && sniffFormat(text) === 'html' && !listsEntries(text, input.location, input.source ?? undefined)) {
    const capped = capPageHtml(text, input.caps);
    const page = extractPageMetadata(capped.html, input.location, input.pageRules);
    if (page.contentSource === 'none') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `${input.location}: no article text found in the page`);
    const entry = capEntry(entryFromPage(page), input.caps);
    if (capped.truncated) entry.truncated = true;
    return { kind: 'page', entry, siteName: page.siteName };
  }
  const feed = await readSourceDocument(text, input.location, input.source, input.maxEntries, { dates: input.dates, now: input.now, limits: input.caps });
  feed.entries = feed.entries.map((entry) => capEntry(entry, input.caps));
  // The status names what the caps did: parseWarning carries the feed's warnings.
  const cut = feed.entries.filter((entry) => entry.truncated).length;
  if (cut)
    feed.warnings.push(
      `${cut === 1 ? "1 entry's" : `${cut} entries'`} text cut at a block boundary (the item cap, ${input.caps.maxItemChars} characters, or ${input.caps.maxBlocks} blocks)`,
    );
  return { kind: 'feed', feed, fullText: feed.entries.map((entry) => needsFullText(entry, input.fullText)) };
}

/** An article page's content and metadata as a feed entry. */
function entryFromPage(page: PageMetadata): FeedEntry {
  return {
    guid: page.canonicalUrl,
    link: page.canonicalUrl,
    title: page.title ?? '',
    publishedAt: page.publishedAt,
    updatedAt: page.updatedAt,
    author: page.author,
    summary: page.description,
    contentHtml: page.bodyHtml,
    categories: [],
    imageUrl: page.leadImage,
    language: page.language,
  };
}

/**
 * Completes a feed entry from its article page: the page's main content and metadata merged in, within the caps,
 * read with the source's extraction `rules`; `keepEntryLink` when the page was read from another view of the
 * article (the entry keeps its own address).
 */
export function readArticlePage(input: DocumentInput & { entry: FeedEntry; rules?: CleanupRules; keepEntryLink?: boolean }): FeedEntry {
  // Cut before the extractor reads it: its work then follows the caps, not the page's size.
  const capped = capPageHtml(decodeText(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), input.contentType), input.caps);
  const read = extractPageMetadata(capped.html, input.location, input.rules);
  const page = input.keepEntryLink && input.entry.link ? { ...read, canonicalUrl: input.entry.link } : read;
  if (page.contentSource === 'none') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `article page ${input.location}: no article text found`);
  let cut = capped.truncated;
  if (page.bodyHtml) {
    const body = cutHtml(page.bodyHtml, input.caps.maxItemChars, input.caps.maxBlocks);
    page.bodyHtml = body.html;
    cut ||= body.truncated;
  }
  const merged = capEntry(mergePageIntoEntry(input.entry, page), input.caps);
  if (cut && merged.contentHtml === page.bodyHtml) merged.truncated = true;
  return merged;
}

/** Normalizes one entry (see normalize/normalize-entry.ts), within the caps. */
export function normalizeFeedEntry(input: { entry: FeedEntry; source: EntrySource; fetchedAt: string; caps: DocumentCaps }): NormalizedItem {
  return normalizeEntry(capEntry(input.entry, input.caps), input.source, input.fetchedAt);
}

/** The feeds a home page names with `<link rel="alternate">`, in document order (feed discovery). */
export function readFeedLinks(input: Omit<DocumentInput, 'caps'>): FeedCandidate[] {
  return feedLinksOf(decodeText(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), input.contentType), input.location);
}

/** Whether a probed answer is a feed we can read, and of which kind (feed discovery's usual paths); null when not. */
export async function probeFeed(input: DocumentInput): Promise<FeedCandidate['type'] | null> {
  const text = decodeText(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), input.contentType);
  const format = sniffFormat(text);
  if (format !== 'xml' && format !== 'json') return null;
  try {
    await parseFeed(text, 1, { limits: input.caps });
  } catch {
    return null;
  }
  return format === 'json' ? 'json' : /<feed[\s>]/.test(text.slice(0, 2048)) ? 'atom' : 'rss';
}

/** The dedup sketch of an item's text (canonical form, fingerprint, shingles, LSH bands): see dedup/analyze.ts. */
export function sketchDedupText(input: { text: string }): TextSketch {
  return sketchText(input.text);
}

/** Answers at once: a thread that answers has loaded the tasks (see `Sandbox.warm`). */
export function ping(_input: Record<string, never>): true {
  return true;
}

/** Every task by name: what a pool thread can be asked to run. */
export const TASKS = { readDocument, readArticlePage, normalizeFeedEntry, readFeedLinks, probeFeed, sketchDedupText, ping };
export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
