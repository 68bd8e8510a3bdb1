import Parser from 'rss-parser';
import { SyndicateError } from '../core/errors.js';
import { demoronize } from './decode-text.js';
import type { FeedEntry, ParsedFeed } from './feed-entry.js';
import { inferDayOrder, numericDayOrder, parseFeedDate, type DateReadingOptions, type DayOrder } from './feed-date.js';
import { FEED_ELEMENTS, mapFeed, type DateReader, type FieldNode } from './feed-fields.js';
import { textToHtml } from './feed-text.js';
import { escapeHtml } from './text.js';
import {
  EntityExpansionError,
  knownPrefix,
  NestedEntitiesError,
  nestsDeeperThan,
  readProlog,
  readXmlLeniently,
  TooDeepError,
  type LenientLimits,
  type XmlElement,
} from './lenient-xml.js';

/**
 * Reading a feed document. Two ways in, one field mapper (`feed-fields.ts`):
 * - the fast path: rss-parser (strict XML through xml2js) for versioned RSS 0.9x/2.0 whose namespaces carry their
 *   usual prefixes; its raw elements go to the mapper;
 * - the lenient path (`lenient-xml.ts`) for everything else (Atom, RDF, unversioned or namespace-prefixed RSS, CDF)
 *   and whenever the fast path fails (ill-formed XML) or meets a field it cannot read (inline markup).
 * Ill-formed documents read leniently carry `warnings` saying what was wrong.
 */

type RawItem = Record<string, unknown>;
type RawFeed = Record<string, unknown> & { items?: RawItem[] };

/**
 * rss-parser hands over the channel's elements the mapper reads, and the channel's raw `<item>` elements (xml2js
 * objects), under "raw <name>": the mapper reads items from those, so rss-parser copies nothing per item for us.
 * The items reach it renamed (`ITEM_TAG`), so it does not build its own item objects either (a content snippet
 * per item: a third of its time on a large feed), which nothing here would read.
 */
const ITEM_TAG = 'syn:item';
const RAW_KEYS = new Map([...FEED_ELEMENTS, 'atom:link', 'item'].map((name) => [name, `raw ${name}`]));
const parser = new Parser<RawFeed, RawItem>({
  xml2js: {
    // Lower-case tag names are what the mapper's canonical names are (pubDate is pubdate); xml2js lowers first.
    normalizeTags: true,
    tagNameProcessors: [(name: string) => (name === 'item' ? ITEM_TAG : name)],
  },
  customFields: { feed: [...RAW_KEYS].map(([name, key]) => [name === 'item' ? ITEM_TAG : name, key, { keepArray: true }] as never) },
});

/** Thrown by the fast path's nodes when a field needs what xml2js cannot give (mixed content, in order). */
class NeedsLenientRead extends Error {}

const NONE: FieldNode[] = [];
const NO_ATTRS: Record<string, string> = {};

/**
 * An xml2js value (string, or `{_: text, $: attributes, child: [...]}`) seen as a {@link FieldNode}. The channel
 * rss-parser built is one too (`parsed`): its raw elements sit under their "raw <name>" keys. RSS carries
 * Atom's `<link>` as `atom:link`, which the mapper reads as `link` like the lenient reader does.
 */
class Xml2jsNode implements FieldNode {
  readonly attrs: Record<string, string>;
  private readonly object: Record<string, unknown> | null;
  private cachedText: string | undefined;

  constructor(
    private readonly value: unknown,
    private readonly parsed = false,
    /** The document has numeric references to C1 controls (`&#146;`), which xml2js decodes literally. */
    private readonly c1 = false,
  ) {
    this.object = value && typeof value === 'object' ? (value as Record<string, unknown>) : null;
    const $ = parsed ? undefined : (this.object?.$ as Record<string, string> | undefined);
    this.attrs = $ ? Object.fromEntries(Object.entries($).map(([k, v]) => [k.toLowerCase(), String(v)])) : NO_ATTRS;
  }

  private values(name: string): unknown[] | undefined {
    return this.object?.[this.parsed ? (RAW_KEYS.get(name) ?? name) : name] as unknown[] | undefined;
  }

  children(name: string): FieldNode[] {
    const own = this.values(name);
    const atom = name === 'link' ? this.values('atom:link') : undefined;
    if (!own && !atom) return NONE;
    return (atom ? [...(own ?? []), ...atom] : own!).map((v) => new Xml2jsNode(v, false, this.c1));
  }

  hasElements(): boolean {
    if (!this.object) return false;
    for (const key in this.object) if (key !== '_' && key !== '$') return true;
    return false;
  }

  text(): string {
    if (this.cachedText !== undefined) return this.cachedText;
    if (this.hasElements()) throw new NeedsLenientRead();
    const value = typeof this.value === 'string' ? this.value : typeof this.object?._ === 'string' ? this.object._ : '';
    // xml2js turns &#146; into a C1 control; HTML (and the lenient reader) read it as windows-1252's ’.
    this.cachedText = this.c1 ? demoronize(value) : value;
    return this.cachedText;
  }

  innerHtml(): string {
    if (this.hasElements()) throw new NeedsLenientRead();
    return escapeHtml(this.text());
  }
}

/** A first element, skipping the prolog, comments, processing instructions and the DOCTYPE (in the first 64 KiB). */
const rootOf = (text: string) => readProlog(text).root;

/** True when rss-parser can read the document and the mapper can take its raw elements by their usual names. */
function fastPathFits(text: string): boolean {
  const root = rootOf(text);
  if (!root || root.name !== 'rss' || !/\bversion\s*=\s*["']\s*(?:2|0\.9)/.test(root.attrs)) return false;
  // xml2js leaves entities declared in a DOCTYPE unexpanded ("&brand;"); the lenient reader expands them.
  if (/<!ENTITY/.test(text.slice(0, text.indexOf('<rss')))) return false;
  for (const m of text.matchAll(/\bxmlns:([\w.-]+)\s*=\s*["']([^"'<>]*)["']/g)) {
    const usual = knownPrefix(m[2]!);
    if (usual !== undefined && usual !== m[1]!.toLowerCase() && !(usual === '' && m[1] === 'atom')) return false;
  }
  return true;
}

async function fastPath(text: string, maxEntries: number, readDate: DateReader): Promise<ParsedFeed> {
  const feed = await parser.parseString(text.replace(/^\uFEFF/, ''));
  const c1 = /&#(?:1[2-5]\d|x[89][0-9a-f]);/i.test(text);
  const items = (feed['raw item'] as unknown[] | undefined) ?? [];
  return mapFeed(
    new Xml2jsNode(feed, true, c1),
    items.slice(0, maxEntries).map((item) => new Xml2jsNode(item, false, c1)),
    false,
    null,
    readDate,
  );
}

/** Finds the entries of a leniently read document: every `item`/`entry`, wherever it sits, not nested. */
function entriesOf(element: XmlElement, found: XmlElement[] = []): XmlElement[] {
  for (const child of element.elements()) {
    if (child.name === 'item' || child.name === 'entry') found.push(child);
    else entriesOf(child, found);
  }
  return found;
}

function firstNamed(element: XmlElement, name: string): XmlElement | null {
  for (const child of element.elements()) {
    if (child.name === name) return child;
    const deeper = child.name === 'item' || child.name === 'entry' ? null : firstNamed(child, name);
    if (deeper) return deeper;
  }
  return null;
}

const FEED_ROOTS = new Set(['rss', 'rdf:rdf', 'feed', 'channel']);

/** The lenient reader's refusals as the catalogue's errors; anything else is passed on. */
function refusal(err: unknown): unknown {
  if (err instanceof NestedEntitiesError)
    return new SyndicateError(
      'SYN_ERR_PARSE_FAILED',
      `not read: the DOCTYPE declares nested entities, the shape of an entity-expansion attack (${err.message})`,
    );
  if (err instanceof EntityExpansionError) return new SyndicateError('SYN_ERR_PARSE_ENTITY_EXPANSION', `not read: ${err.message}, past the feed byte cap`);
  if (err instanceof TooDeepError) return new SyndicateError('SYN_ERR_PARSE_TOO_COMPLEX', `not read: ${err.message}`);
  return err;
}

function lenientPath(text: string, strictError: Error | null, maxEntries: number, readDate: DateReader, limits: LenientLimits): ParsedFeed {
  const { root, warnings } = readXmlLeniently(text, limits);
  if (!root) throw new SyndicateError('SYN_ERR_PARSE_FAILED', 'not a feed: the document holds no XML element');
  const entries = entriesOf(root);
  if (!FEED_ROOTS.has(root.name) && entries.length === 0) {
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', `not a feed: no RSS, RDF or Atom feed in the document (its root element is <${root.localName}>)`);
  }
  const atom = root.name === 'feed';
  const channel = atom ? root : (firstNamed(root, 'channel') ?? root);
  const feed = mapFeed(channel, entries.slice(0, maxEntries), atom, root.attrs['xml:lang'] ?? null, readDate);
  // What a strict parser said counts only when it was about the XML itself (xml2js names a line), not the format.
  if (strictError && warnings.length === 0 && /Line:/.test(strictError.message)) {
    warnings.push(
      `not well-formed XML (${strictError.message
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean)
        .join(', ')})`,
    );
  }
  feed.warnings = warnings;
  // RFC 6721 tombstones sit beside the entries, as children of the feed.
  const tombstones = root.children('at:deleted-entry').filter((element) => element.attrs.ref?.trim());
  if (tombstones.length) feed.deletedEntries = tombstones.map((element) => ({ ref: element.attrs.ref!.trim(), when: element.attrs.when?.trim() || null }));
  return feed;
}

const asString = (value: unknown): string | null => (typeof value === 'string' && value.trim() ? value : typeof value === 'number' ? String(value) : null);
const asObject = (value: unknown): Record<string, unknown> | null =>
  value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;

function jsonAuthor(item: Record<string, unknown>): string | null {
  const authors = Array.isArray(item.authors) ? item.authors : [item.author];
  for (const author of authors) {
    const name = asString(asObject(author)?.name) ?? asString(author);
    if (name) return name.trim();
  }
  return null;
}

/**
 * Reads JSON Feed 1.0 and 1.1 (rss-parser does not). A member of the wrong type is ignored, an item that is not
 * an object is skipped with a warning; only a document that is not a JSON Feed at all is refused.
 */
export function parseJsonFeed(text: string, readDate: DateReader = parseFeedDate): ParsedFeed {
  let doc: Record<string, unknown> | null;
  try {
    doc = asObject(JSON.parse(text.replace(/^\uFEFF/, '')));
  } catch (err) {
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', `not valid JSON: ${(err as Error).message}`, { cause: err });
  }
  const version = asString(doc?.version);
  if (!doc || !version || !/^https?:\/\/jsonfeed\.org\/version\//.test(version) || !Array.isArray(doc.items)) {
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', 'not a feed: the JSON document is not a JSON Feed (no jsonfeed.org version or no items list)');
  }
  const language = asString(doc.language);
  const warnings: string[] = [];
  const entries: FeedEntry[] = [];
  doc.items.forEach((value, index) => {
    const item = asObject(value);
    if (!item) {
      warnings.push(`JSON Feed item ${index} is not an object (${value === null ? 'null' : typeof value}): skipped`);
      return;
    }
    const contentText = asString(item.content_text);
    const contentHtml = asString(item.content_html);
    const id = asString(item.id);
    entries.push({
      guid: id,
      link: asString(item.url) ?? asString(item.external_url) ?? (id && /^https?:\/\//i.test(id) ? id : null),
      title: asString(item.title)?.trim() ?? '',
      publishedAt: readDate(asString(item.date_published)),
      updatedAt: readDate(asString(item.date_modified)),
      author: jsonAuthor(item),
      summary: asString(item.summary) ? escapeHtml(asString(item.summary)!) : contentHtml && contentText ? textToHtml(contentText) : null,
      contentHtml: contentHtml ?? (contentText ? textToHtml(contentText) : null),
      categories: Array.isArray(item.tags) ? item.tags.map(asString).filter((t): t is string => !!t) : [],
      imageUrl: asString(item.image) ?? asString(item.banner_image),
      language: asString(item.language) ?? language,
    });
  });
  const hub = Array.isArray(doc.hubs) ? doc.hubs.map((h) => asString(asObject(h)?.url)).find(Boolean) : null;
  return {
    title: asString(doc.title) ?? '',
    link: asString(doc.home_page_url),
    language,
    hubUrl: hub ?? null,
    selfUrl: asString(doc.feed_url),
    ttlMinutes: null,
    updatePeriodMinutes: null,
    entries,
    warnings,
  };
}

/** Tells a feed document's format from its first element (or brace). */
export function sniffFormat(text: string): 'json' | 'xml' | 'html' | 'unknown' {
  const head = text.replace(/^\uFEFF/, '').trimStart();
  if (head.startsWith('{')) return 'json';
  const root = rootOf(head);
  if (root) return /^(?:html|head|body)$/i.test(root.name) ? 'html' : 'xml';
  if (/^<!doctype html/i.test(head)) return 'html';
  return 'unknown';
}

/** How a source writes its dates, and when the document was fetched (later dates are clamped to it). */
export interface FeedReadingOptions {
  dates?: DateReadingOptions;
  /** The fetch time (epoch ms): a date after it is replaced by it, the original kept in `futureDates`. */
  now?: number;
  /** How deep and how far the XML readers go (default: 256 levels; entities expanding to the document's own size). */
  limits?: LenientLimits;
}

/** Tags up to which the strict reader (xml2js builds every element) is tried; more go to the lenient one, which skips past the caps. */
const FAST_PATH_MAX_TAGS = 50_000;

/** Whether the text holds at most `max` '<'. Linear, and stops at the first past it. */
function fewTags(text: string, max: number): boolean {
  let count = 0;
  for (let at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) if (++count > max) return false;
  return true;
}

/**
 * A JSON document with its top-level `items` array cut to `maxEntries` elements before it is parsed (JSON.parse of
 * 500 000 items is the expensive step), and refused ({@link TooDeepError}) when it nests deeper than `maxDepth`.
 * One linear scan that steps over strings; the text itself when nothing is past the caps.
 */
export function capJsonItems(text: string, maxEntries: number, maxDepth: number): { text: string; dropped: number } {
  let depth = 0;
  let lastString: string | null = null;
  let key: string | null = null;
  let inItems = false;
  let commas = 0;
  let cutAt = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end < 0) return { text, dropped: 0 }; // unterminated: JSON.parse says so
        let slashes = 0;
        while (text.charCodeAt(end - 1 - slashes) === 0x5c /* \ */) slashes++;
        if (slashes % 2 === 0) break;
      }
      if (depth === 1 && end - i < 64) lastString = text.slice(i + 1, end);
      i = end;
    } else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      if (++depth > maxDepth) throw new TooDeepError(`its JSON nests deeper than ${maxDepth}`);
      if (c === 0x5b && depth === 2 && key === 'items') inItems = true;
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      if (inItems && depth === 2) {
        inItems = false;
        if (cutAt >= 0) return { text: text.slice(0, cutAt) + text.slice(i), dropped: commas + 1 - maxEntries };
      }
      depth--;
    } else if (c === 0x3a /* : */ && depth === 1) key = lastString;
    else if (c === 0x2c /* , */) {
      if (depth === 1) key = null;
      else if (inItems && depth === 2 && ++commas === maxEntries && cutAt < 0) cutAt = i;
    }
  }
  return { text, dropped: 0 };
}

/** The end of an RSS item or Atom entry, any prefix. */
const ENTRY_END = /<\/(?:[\w.-]{1,32}:)?(?:item|entry)\s*>/gi;

/**
 * An XML document cut right after its `maxEntries`-th entry, for a document of more tags than either reader should
 * build (200 000 tiny entries): the entries past the cap are never tokenized. Null when it holds no more entries.
 */
function cutAfterEntries(text: string, maxEntries: number): string | null {
  ENTRY_END.lastIndex = 0;
  let count = 0;
  for (let m = ENTRY_END.exec(text); m; m = ENTRY_END.exec(text)) {
    if (++count === maxEntries) {
      const end = m.index + m[0].length;
      return ENTRY_END.exec(text) ? text.slice(0, end) : null;
    }
  }
  return null;
}

async function parseDocument(text: string, maxEntries: number, readDate: DateReader, limits: LenientLimits): Promise<ParsedFeed> {
  const format = sniffFormat(text);
  if (format === 'json') {
    let capped: { text: string; dropped: number };
    try {
      capped = capJsonItems(text, maxEntries, limits.maxDepth);
    } catch (err) {
      throw refusal(err);
    }
    const feed = parseJsonFeed(capped.text, readDate);
    if (capped.dropped) feed.warnings.push(`${capped.dropped} JSON Feed items past the entry cap (${maxEntries}) left out`);
    return feed;
  }
  if (format !== 'xml')
    throw new SyndicateError('SYN_ERR_PARSE_FAILED', `not a feed (looks like ${format === 'html' ? 'an HTML page' : 'neither XML nor JSON'})`);
  let strictError: Error | null = null;
  const many = !fewTags(text, FAST_PATH_MAX_TAGS);
  const cut = many ? cutAfterEntries(text, maxEntries) : null;
  if (cut !== null) {
    const feed = lenientRead(cut, null, maxEntries, readDate, limits);
    // The cut leaves the feed's own elements open: that is ours, not the source's.
    feed.warnings = [...feed.warnings.filter((w) => !w.startsWith('unclosed <')), `entries past the entry cap (${maxEntries}) left out unread`];
    return feed;
  }
  // xml2js follows any depth: a document nested past the cap goes to the lenient reader, which refuses it.
  if (!many && fastPathFits(text) && !nestsDeeperThan(text, limits.maxDepth)) {
    try {
      return await fastPath(text, maxEntries, readDate);
    } catch (err) {
      if (!(err instanceof NeedsLenientRead)) strictError = err as Error;
    }
  }
  return lenientRead(text, strictError, maxEntries, readDate, limits);
}

function lenientRead(text: string, strictError: Error | null, maxEntries: number, readDate: DateReader, limits: LenientLimits): ParsedFeed {
  try {
    return lenientPath(text, strictError, maxEntries, readDate, limits);
  } catch (err) {
    throw refusal(err);
  }
}

/** Dates after the fetch time become the fetch time; what the source wrote is kept in `futureDates`. */
function clampFutureDates(entries: FeedEntry[], now: number): void {
  const limit = new Date(now).toISOString();
  for (const entry of entries) {
    for (const field of ['publishedAt', 'updatedAt'] as const) {
      const value = entry[field];
      if (value && value > limit && Date.parse(value) > now) {
        entry.futureDates = { ...entry.futureDates, [field]: value };
        entry[field] = limit;
      }
    }
  }
}

/**
 * Parses a feed document (RSS 0.9x/1.0/2.0, Atom 0.3/1.0, CDF or JSON Feed 1.x), capped to `maxEntries` entries.
 * Ill-formed XML is read leniently and says so in `warnings`; only a document with no recognizable feed is refused,
 * with `SYN_ERR_PARSE_FAILED` naming what is wrong, and one past `options.limits` (elements nested deeper than
 * `maxDepth`: `SYN_ERR_PARSE_TOO_COMPLEX`; entities expanding past `maxExpandedChars`: `SYN_ERR_PARSE_ENTITY_EXPANSION`).
 * Dates are read as the source writes them (`options.dates`): when the document's own numeric dates show a day
 * order other than the one assumed, it is read again in that order, and the order is answered in `dayOrder` for the
 * source's status.
 */
export async function parseFeed(text: string, maxEntries = 500, options: FeedReadingOptions = {}): Promise<ParsedFeed> {
  const known = options.dates?.dayOrder ?? null;
  const written: string[] = [];
  const reader =
    (dayOrder: DayOrder | null): DateReader =>
    (value) => {
      if (value) written.push(value);
      return parseFeedDate(value, { ...options.dates, dayOrder });
    };
  const limits = options.limits ?? { maxDepth: 256, maxExpandedChars: text.length };
  let feed = await parseDocument(text, maxEntries, reader(known), limits);
  const dayOrder = inferDayOrder(written, known);
  if (dayOrder && dayOrder !== (known ?? 'dmy') && written.some((value) => numericDayOrder(value) === 'ambiguous')) {
    feed = await parseDocument(text, maxEntries, reader(dayOrder), limits);
  }
  if (feed.entries.length > maxEntries) feed.entries = feed.entries.slice(0, maxEntries);
  feed.dayOrder = dayOrder;
  if (options.now !== undefined) clampFutureDates(feed.entries, options.now);
  return feed;
}
