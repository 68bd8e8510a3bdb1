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
  /** Child elements the feed reader keeps per XML element (past it they are skipped unread, with a warning). */
  maxChildren: number;
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
    maxChildren: 5000,
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

/** Elements that open no level: void ones, and those HTML closes by itself when the next one starts. */
const LEVELLESS = new Set(
  'area base br col embed hr img input link meta source track wbr p li dt dd tr td th option optgroup thead tbody tfoot colgroup rb rt rp'.split(' '),
);
/** One tag at a position (sticky): its slash, its name. The name ends before the attributes start; `[^<>]*` stops at the next tag. */
const TAG = /<(\/?)([A-Za-z][\w:-]*)(?:[\s/][^<>]*)?>/y;

/**
 * HTML whose elements nest deeper than `maxDepth` with the tags past that depth taken out (their text kept), so that
 * the normalizer's tree walks never meet 100 000 nested `<div>`s. Elements that HTML closes by itself (`p`, `li`, …)
 * and void ones open no level. One pass, linear; the HTML itself when nothing is that deep.
 */
export function flattenDeepHtml(html: string, maxDepth: number): string {
  const open: Array<{ name: string; kept: boolean }> = [];
  const pieces: string[] = [];
  let from = 0;
  for (let at = html.indexOf('<'); at >= 0; at = html.indexOf('<', at + 1)) {
    TAG.lastIndex = at;
    const m = TAG.exec(html);
    if (!m) continue;
    const name = m[2]!.toLowerCase();
    const end = at + m[0].length;
    let drop = false;
    if (m[1]) {
      // A close pops its element (and the unclosed ones inside it) when it is among the innermost few.
      const top = open.length - 1;
      for (let i = top; i >= Math.max(0, top - 8); i--) {
        if (open[i]!.name !== name) continue;
        drop = !open[i]!.kept;
        open.length = i;
        break;
      }
    } else if (!LEVELLESS.has(name) && m[0].charCodeAt(m[0].length - 2) !== 0x2f /* / */) {
      const kept = open.length < maxDepth;
      open.push({ name, kept });
      drop = !kept;
    }
    if (drop) {
      pieces.push(html.slice(from, at));
      from = end;
    }
    at = end - 1;
  }
  if (from === 0) return html;
  pieces.push(html.slice(from));
  return pieces.join('');
}

/**
 * An HTML page within the caps before it is parsed: every run of text longer than `maxItemChars` cut at a space (a
 * 7.5 MB paragraph becomes its first 512 Ki), the page cut after its `maxBlocks`-th block, and nesting past
 * `maxDepth` flattened ({@link flattenDeepHtml}).
 * `truncated` when text was cut. Linear; what the page extractor then reads is bounded by the caps, not the page.
 */
export function capPageHtml(html: string, caps: Pick<DocumentCaps, 'maxItemChars' | 'maxDepth' | 'maxBlocks'>): CutHtml {
  const pieces: string[] = [];
  let from = 0;
  let truncated = false;
  // A text run is what lies between one '>' and the next '<'.
  for (let start = 0; start < html.length;) {
    const lt = html.indexOf('<', start);
    const end = lt < 0 ? html.length : lt;
    if (end - start > caps.maxItemChars) {
      const head = html.slice(start, start + caps.maxItemChars);
      const space = head.lastIndexOf(' ');
      pieces.push(html.slice(from, start + (space > caps.maxItemChars / 2 ? space : caps.maxItemChars)));
      from = end;
      truncated = true;
    }
    if (lt < 0) break;
    const gt = html.indexOf('>', lt);
    if (gt < 0) break;
    start = gt + 1;
  }
  let cut = truncated ? (pieces.push(html.slice(from)), pieces.join('')) : html;
  // A page of 150 000 paragraphs: the article is within its first blocks, and the extractor's work follows them.
  const end = blockEnd(cut, caps.maxBlocks);
  if (end >= 0) {
    cut = cut.slice(0, end);
    truncated = true;
  }
  return { html: flattenDeepHtml(cut, caps.maxDepth), truncated };
}

/** Where the `n`-th block of the HTML ends, when it has more than `n` blocks; else -1. Linear. */
function blockEnd(html: string, n: number): number {
  BLOCK_END.lastIndex = 0;
  let count = 0;
  for (let m = BLOCK_END.exec(html); m; m = BLOCK_END.exec(html)) {
    if (++count === n) return BLOCK_END.exec(html) ? m.index + m[0].length : -1;
  }
  return -1;
}

const cutField = (value: string | null, max: number): string | null => (value !== null && value.length > max ? value.slice(0, max) : value);

/**
 * An entry within the caps: one-line fields cut to `maxFieldChars`, at most `maxCategories` categories, and the
 * body and summary flattened past `maxDepth` ({@link flattenDeepHtml}) and cut by {@link cutHtml}; `truncated` says when the body or summary lost text. Pure.
 */
export function capEntry(entry: FeedEntry, caps: DocumentCaps): FeedEntry {
  const body = entry.contentHtml === null ? null : cutHtml(flattenDeepHtml(entry.contentHtml, caps.maxDepth), caps.maxItemChars, caps.maxBlocks);
  const summary = entry.summary === null ? null : cutHtml(flattenDeepHtml(entry.summary, caps.maxDepth), caps.maxItemChars, caps.maxBlocks);
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
