/**
 * The untrusted work the sandbox runs, one function per task: each takes plain data and answers plain data (both
 * cross a thread boundary by structured clone). They run in a pool thread (see sandbox.ts) and are exported for
 * tests and the benchmarks, which call them directly.
 */
import { capEntry, cutHtml, type DocumentCaps } from '../content/caps.js';
import { decodeText } from '../content/decode-text.js';
import type { FeedEntry, ParsedFeed } from '../content/feed-entry.js';
import type { DateReadingOptions } from '../content/feed-date.js';
import { extractPageMetadata, type PageMetadata } from '../content/page-metadata.js';
import { parseFeed, sniffFormat } from '../content/parse-feed.js';
import { SyndicateError } from '../core/errors.js';
import type { NormalizedItem } from '../core/item.js';
import { mergePageIntoEntry } from '../fetch/full-text/merge-page.js';
import { needsFullText, type FullTextMode, type FullTextReason } from '../fetch/full-text/needs-full-text.js';
import { normalizeEntry, type EntrySource } from '../normalize/normalize-entry.js';

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

/** Decodes and parses a feed document (`accept: 'feed'`), or also an article page (`'feed-or-page'`). */
export async function readDocument(
  input: DocumentInput & {
    maxEntries: number;
    fullText: FullTextMode;
    accept: 'feed' | 'feed-or-page';
    /** How the source writes its dates; `now`: the fetch time (epoch ms), later dates are clamped to it. */
    dates?: DateReadingOptions;
    now?: number;
  },
): Promise<ReadFeed | ReadPage> {
  const text = decodeText(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), input.contentType);
  if (input.accept === 'feed-or-page' && sniffFormat(text) === 'html') {
    const page = extractPageMetadata(text, input.location);
    if (page.contentSource === 'none') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `${input.location}: no article text found in the page`);
    return { kind: 'page', entry: capEntry(entryFromPage(page), input.caps), siteName: page.siteName };
  }
  const feed = await parseFeed(text, input.maxEntries, { dates: input.dates, now: input.now, limits: input.caps });
  feed.entries = feed.entries.map((entry) => capEntry(entry, input.caps));
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

/** Completes a feed entry from its article page: the page's main content and metadata merged in, within the caps. */
export function readArticlePage(input: DocumentInput & { entry: FeedEntry }): FeedEntry {
  const page = extractPageMetadata(decodeText(Buffer.from(input.body.buffer, input.body.byteOffset, input.body.byteLength), input.contentType), input.location);
  if (page.contentSource === 'none') throw new SyndicateError('SYN_ERR_NO_ARTICLE', `article page ${input.location}: no article text found`);
  if (page.bodyHtml) page.bodyHtml = cutHtml(page.bodyHtml, input.caps.maxItemChars, input.caps.maxBlocks).html;
  return capEntry(mergePageIntoEntry(input.entry, page), input.caps);
}

/** Normalizes one entry (see normalize/normalize-entry.ts), within the caps. */
export function normalizeFeedEntry(input: { entry: FeedEntry; source: EntrySource; fetchedAt: string; caps: DocumentCaps }): NormalizedItem {
  return normalizeEntry(capEntry(input.entry, input.caps), input.source, input.fetchedAt);
}

/** Every task by name: what a pool thread can be asked to run. */
export const TASKS = { readDocument, readArticlePage, normalizeFeedEntry };
export type TaskName = keyof typeof TASKS;
export type TaskInput<K extends TaskName> = Parameters<(typeof TASKS)[K]>[0];
export type TaskOutput<K extends TaskName> = Awaited<ReturnType<(typeof TASKS)[K]>>;
