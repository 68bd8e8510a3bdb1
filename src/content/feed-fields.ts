import { syndicationPeriodMinutes } from './syndication-period.js';
import type { FeedEntry, ParsedFeed } from './feed-entry.js';
import { parseFeedDate } from './feed-date.js';
import { feedTextHtml, feedTextPlain, readTextConstruct, type FeedText, type TextDeclaration } from './feed-text.js';

/**
 * One element of a feed document as the field mapper sees it, whichever parser read the document (rss-parser on
 * the fast path, the lenient reader otherwise). Names are canonical: lower case, known namespaces under their
 * usual prefix whatever the document calls them (`dc:`, `dcterms:`, `content:`, `media:`, `itunes:`, `rdf:`,
 * `xhtml:`), Atom's and RSS's own elements unprefixed.
 */
export interface FieldNode {
  /** Attributes, names in lower case (`rdf:about`, `xml:lang` keep their prefix), values decoded. */
  readonly attrs: Readonly<Record<string, string>>;
  /** Child elements of that name, in document order. */
  children(name: string): FieldNode[];
  /** True when the element holds child elements (inline XHTML, naked markup, Atom person constructs). */
  hasElements(): boolean;
  /** The element's text, entities decoded, CDATA included. */
  text(): string;
  /** The element's content as an HTML fragment (children serialized, text escaped). */
  innerHtml(): string;
}

/** Every feed-level element name the mapper reads. */
export const FEED_ELEMENTS = ['title', 'dc:title', 'link', 'language', 'dc:language', 'ttl', 'sy:updateperiod', 'sy:updatefrequency'] as const;

const first = (node: FieldNode, ...names: string[]): FieldNode | null => {
  for (const name of names) {
    for (const child of node.children(name)) {
      if (child.hasElements() || child.text().trim() || Object.keys(child.attrs).length) return child;
    }
  }
  return null;
};

const clean = (text: string | null | undefined): string | null => {
  if (!text) return null;
  const trimmed = (/\s\s|[\t\n\r\f]/.test(text) ? text.replace(/\s+/g, ' ') : text).trim();
  return trimmed ? trimmed : null;
};

type Undeclared = TextDeclaration['undeclared'];

/** The text construct of an element; `undeclared` says what an element without a `type` holds. */
function construct(node: FieldNode, undeclared: Undeclared): FeedText {
  return readTextConstruct(
    { type: node.attrs.type, mode: node.attrs.mode, hasMarkup: node.hasElements(), undeclared },
    () => node.text(),
    () => {
      // RFC 4287 §3.1.1.3: xhtml content is wrapped in one div, which is not part of the content.
      const wrappers = [...node.children('xhtml:div'), ...node.children('div')];
      const xhtml = /^(?:xhtml|application\/xhtml\+xml)$/i.test(node.attrs.type?.trim() ?? '');
      return xhtml && wrappers.length === 1 ? wrappers[0]!.innerHtml() : node.innerHtml();
    },
  );
}

function firstText(node: FieldNode, undeclared: Undeclared, ...names: string[]): FeedText | null {
  for (const name of names) {
    for (const child of node.children(name)) {
      const value = construct(child, undeclared);
      if (value.value.trim()) return value;
    }
  }
  return null;
}

/** An Atom person construct (name, email, uri) or an RSS/DC author line, as one display string. */
function person(node: FieldNode): string | null {
  if (node.hasElements()) {
    const name = clean(first(node, 'name')?.text());
    const email = clean(first(node, 'email')?.text());
    const uri = clean(first(node, 'uri', 'url')?.text());
    if (name && email) return `${name} (${email})`;
    return name ?? email ?? uri;
  }
  return clean(node.attrs.name ?? node.text());
}

/** Atom-style `<link href rel>` elements, then RSS's text `<link>`; `rel` alternate by default. */
function linkOf(node: FieldNode, rel = 'alternate'): string | null {
  let textLink: string | null = null;
  for (const link of node.children('link')) {
    const href = clean(link.attrs.href);
    if (href) {
      if ((link.attrs.rel ?? 'alternate').toLowerCase() === rel) return href;
    } else if (!textLink && rel === 'alternate') {
      textLink = clean(link.text());
    }
  }
  return textLink;
}

const isWebUrl = (value: string | null): value is string => !!value && /^https?:\/\//i.test(value);

function imageOf(entry: FieldNode, groups: FieldNode[]): string | null {
  const enclosure = first(entry, 'enclosure');
  const type = enclosure?.attrs.type ?? '';
  if (enclosure?.attrs.url && (!type || type.startsWith('image/'))) return enclosure.attrs.url;
  const media = groups.length ? [entry, ...groups].flatMap((n) => n.children('media:content')) : entry.children('media:content');
  const image = media.find((c) => c.attrs.url && (c.attrs.medium === 'image' || c.attrs.type?.startsWith('image/') || (!c.attrs.type && !c.attrs.medium)));
  if (image) return image.attrs.url!;
  const thumb = (groups.length ? [entry, ...groups].flatMap((n) => n.children('media:thumbnail')) : entry.children('media:thumbnail')).find((t) => t.attrs.url);
  if (thumb) return thumb.attrs.url!;
  return clean(first(entry, 'itunes:image')?.attrs.href);
}

/** Reads one date as the source writes them (see feed-date.ts `DateReadingOptions`); null when it is not one. */
export type DateReader = (text: string | null | undefined) => string | null;

function dateOf(entry: FieldNode, readDate: DateReader, ...names: string[]): string | null {
  for (const name of names) {
    for (const child of entry.children(name)) {
      const date = readDate(child.text());
      if (date) return date;
    }
  }
  return null;
}

/**
 * Maps one entry (`<item>` or `<entry>`) to a {@link FeedEntry}, in the precedence a mainstream reader uses:
 * title from `title`, `dc:title`, `media:title`; link from Atom `alternate`, RSS `link`, a permalink `guid`,
 * CDF `href`, `rdf:about`; id from `guid`, Atom `id`, `rdf:about`; dates from `pubDate`, `dc:date`,
 * `dcterms:issued|created`, Atom `published|issued|created` and `updated|modified`, `dcterms:modified`, CDF
 * `lastmod`; author from `author` (RSS line or Atom person), `dc:creator`, `dc:author`, `itunes:author`; the body
 * from `content:encoded`, Atom `content`, `xhtml:body`, `fullitem`, and the summary from `summary`, `description`,
 * `dc:description`, CDF `abstract`, `itunes:summary`, Media RSS `description` (a `description` beside a `summary`
 * is the body). `atom` is true in Atom documents, where an undeclared text type means plain text.
 */
export function mapEntry(entry: FieldNode, atom: boolean, feedLanguage: string | null, readDate: DateReader = parseFeedDate): FeedEntry {
  const groups = entry.children('media:group');
  // Atom's own constructs are plain text unless typed; RSS says nothing, and its description is HTML by definition.
  const own: Undeclared = atom ? 'text' : 'guess';
  const title =
    firstText(entry, own, 'title', 'dc:title') ?? [...groups, entry].reduce<FeedText | null>((found, n) => found ?? firstText(n, 'guess', 'media:title'), null);
  const guidNode = first(entry, 'guid');
  const guid = clean(guidNode?.text()) ?? clean(first(entry, 'id')?.text()) ?? clean(entry.attrs['rdf:about']);
  const permalink =
    guidNode && (guidNode.attrs.ispermalink ?? 'true').toLowerCase() !== 'false' && isWebUrl(clean(guidNode.text())) ? clean(guidNode.text()) : null;
  const about = clean(entry.attrs['rdf:about']);
  const link = linkOf(entry) ?? permalink ?? clean(entry.attrs.href) ?? (isWebUrl(about) ? about : null);

  let content = firstText(entry, 'html', 'content:encoded') ?? firstText(entry, own, 'content') ?? firstText(entry, 'html', 'xhtml:body', 'body', 'fullitem');
  const ownSummary = firstText(entry, own, 'summary');
  const description = firstText(entry, 'html', 'description', 'dc:description', 'abstract');
  let summary = ownSummary ?? description;
  if (ownSummary && description && !content) content = description;
  summary ??=
    firstText(entry, 'guess', 'itunes:summary', 'itunes:subtitle') ??
    [entry, ...groups].reduce<FeedText | null>((found, n) => found ?? firstText(n, 'guess', 'media:description'), null);

  const authorNode = first(entry, 'author', 'dc:creator', 'dc:author', 'itunes:author', 'creator');
  const categories = [
    ...entry.children('category').map((c) => clean(c.attrs.term ?? c.attrs.label ?? c.text())),
    ...entry.children('dc:subject').map((c) => clean(c.text())),
  ].filter((c): c is string => !!c);

  return {
    guid,
    link,
    title: title ? feedTextPlain(title) : '',
    publishedAt: dateOf(entry, readDate, 'pubdate', 'published', 'dc:date', 'dcterms:issued', 'issued', 'dcterms:created', 'created'),
    updatedAt: dateOf(entry, readDate, 'updated', 'modified', 'dcterms:modified') ?? readDate(entry.attrs.lastmod),
    author: authorNode ? person(authorNode) : null,
    summary: summary ? feedTextHtml(summary) : null,
    contentHtml: content ? feedTextHtml(content) : null,
    categories: [...new Set(categories)],
    imageUrl: imageOf(entry, groups),
    language: clean(first(entry, 'dc:language')?.text()) ?? clean(entry.attrs['xml:lang']) ?? feedLanguage,
  };
}

/** Maps the feed's own metadata (channel or Atom feed element) and its entries. */
export function mapFeed(
  channel: FieldNode,
  entries: FieldNode[],
  atom: boolean,
  rootLanguage: string | null = null,
  readDate: DateReader = parseFeedDate,
): ParsedFeed {
  const language = clean(first(channel, 'language', 'dc:language')?.text()) ?? clean(channel.attrs['xml:lang']) ?? rootLanguage;
  const title = firstText(channel, atom ? 'text' : 'guess', 'title', 'dc:title');
  const ttl = Number(clean(first(channel, 'ttl')?.text()));
  return {
    title: title ? feedTextPlain(title) : '',
    link: linkOf(channel) ?? clean(channel.attrs.href),
    language,
    hubUrl: linkOf(channel, 'hub'),
    selfUrl: linkOf(channel, 'self'),
    ttlMinutes: Number.isFinite(ttl) && ttl > 0 ? ttl : null,
    updatePeriodMinutes: syndicationPeriodMinutes(first(channel, 'sy:updateperiod')?.text(), first(channel, 'sy:updatefrequency')?.text()),
    entries: entries.map((entry) => mapEntry(entry, atom, language, readDate)),
    warnings: [],
  };
}
