import type { FeedEntry } from './feed-entry.js';

/**
 * How much of one untrusted document is read: caps that keep every step after parsing (normalize, dedup, storage)
 * bounded whatever a source sends. Built from the configuration's `limits` (see {@link documentCaps}).
 */
export interface DocumentCaps {
  /** Characters kept of a one-line field (title, author, link, guid, a category, an image address, language). */
  maxFieldChars: number;
  /** Characters of HTML kept of an entry's body (and of its summary): past it the body is cut at a block boundary. */
  maxItemChars: number;
  /** Blocks (paragraphs, list items, headings, …) kept of an entry's body. */
  maxBlocks: number;
  /** Categories kept per entry. */
  maxCategories: number;
  /** Deepest element nesting a feed document may have: deeper is refused (SYN_ERR_PARSE_TOO_COMPLEX). */
  maxDepth: number;
  /** Characters all entity references of a document may expand to in all (the feed byte cap): past it the document is refused. */
  maxExpandedChars: number;
}

/** The caps for a document fetched under a byte cap of `maxFeedBytes` (the configuration's `limits.maxFeedBytes`). */
export function documentCaps(limits: { maxFeedBytes: number; maxItemChars?: number }): DocumentCaps {
  return {
    maxFieldChars: 2048,
    maxItemChars: limits.maxItemChars ?? DEFAULT_MAX_ITEM_CHARS,
    maxBlocks: 5000,
    maxCategories: 100,
    maxDepth: 256,
    maxExpandedChars: limits.maxFeedBytes,
  };
}

/** Characters of body HTML per item by default: a long interview is 100 KB; 512 Ki leaves room for the longest read. */
export const DEFAULT_MAX_ITEM_CHARS = 512 * 1024;

/**
 * The ends of blocks, where a body may be cut and stay whole paragraphs. `[^<>]*` stops at the next tag, so the
 * search stays linear on text full of unclosed `<hr`.
 */
const BLOCK_END =
  /<\/(?:p|div|li|h[1-6]|blockquote|pre|section|article|figure|figcaption|table|tr|ul|ol|dl|dd|dt|aside|header|footer)\s*>|<br\b[^<>]*>|<hr\b[^<>]*>/gi;

/** What {@link cutHtml} kept. */
export interface CutHtml {
  html: string;
  truncated: boolean;
}

/**
 * Cuts body HTML to at most `maxChars` characters and `maxBlocks` blocks, at the end of the last whole block that
 * fits; a first block longer than the cap (a 7 MB paragraph) is cut at the last space before it, outside any tag.
 * Linear in the length of the HTML. The HTML parser downstream closes what the cut leaves open.
 */
export function cutHtml(html: string, maxChars: number, maxBlocks: number): CutHtml {
  // Each block end is at least 4 characters ("<br>"): a short body cannot hold too many.
  if (html.length <= maxChars && html.length < maxBlocks * 4) return { html, truncated: false };
  let cut = -1;
  let blocks = 0;
  let over = false;
  BLOCK_END.lastIndex = 0;
  for (let m = BLOCK_END.exec(html); m; m = BLOCK_END.exec(html)) {
    const end = m.index + m[0].length;
    if (end > maxChars || ++blocks > maxBlocks) {
      over = true;
      break;
    }
    cut = end;
  }
  if (!over && html.length <= maxChars) return { html, truncated: false };
  if (cut < 0) {
    const head = html.slice(0, maxChars);
    // Never inside a tag: back to before a '<' that has no '>' after it.
    const open = head.lastIndexOf('<');
    const safe = open > head.lastIndexOf('>') ? head.slice(0, open) : head;
    const space = Math.max(safe.lastIndexOf(' '), safe.lastIndexOf('\n'));
    cut = space > safe.length / 2 ? space : safe.length;
  }
  return { html: html.slice(0, cut), truncated: true };
}

const cutField = (value: string | null, max: number): string | null => (value !== null && value.length > max ? value.slice(0, max) : value);

/**
 * An entry within the caps: one-line fields cut to `maxFieldChars`, at most `maxCategories` categories, and the
 * body and summary cut by {@link cutHtml}; `truncated` says when the body or summary lost text. Pure.
 */
export function capEntry(entry: FeedEntry, caps: DocumentCaps): FeedEntry {
  const body = entry.contentHtml === null ? null : cutHtml(entry.contentHtml, caps.maxItemChars, caps.maxBlocks);
  const summary = entry.summary === null ? null : cutHtml(entry.summary, caps.maxItemChars, caps.maxBlocks);
  const truncated = entry.truncated || !!body?.truncated || !!summary?.truncated;
  const capped: FeedEntry = {
    ...entry,
    guid: cutField(entry.guid, caps.maxFieldChars),
    link: cutField(entry.link, caps.maxFieldChars),
    title: cutField(entry.title, caps.maxFieldChars) ?? '',
    author: cutField(entry.author, caps.maxFieldChars),
    imageUrl: cutField(entry.imageUrl, caps.maxFieldChars),
    language: cutField(entry.language, 64),
    categories: entry.categories.slice(0, caps.maxCategories).map((category) => cutField(category, caps.maxFieldChars) ?? ''),
    contentHtml: body?.html ?? null,
    summary: summary?.html ?? null,
  };
  if (truncated) capped.truncated = true;
  return capped;
}
