import { Feed } from 'feed';
import type { ChannelConfig } from '../config/schema.js';
import { escapeHtml } from '../core/content-policy.js';
import type { Interview, NormalizedItem } from '../core/item.js';
import { safeItem } from '../core/safe-item.js';

export type FeedFormat = 'rss' | 'atom' | 'json';

export const FEED_FORMATS: readonly FeedFormat[] = ['rss', 'atom', 'json'];

export const FEED_CONTENT_TYPES: Record<FeedFormat, string> = {
  rss: 'application/rss+xml; charset=utf-8',
  atom: 'application/atom+xml; charset=utf-8',
  json: 'application/feed+json; charset=utf-8',
};

/** Where a channel lives on the public side. */
export interface ChannelLinks {
  /** Base URL written into feeds (PUBLIC_URL). */
  publicUrl: string;
  /** WebSub hub URL advertised with rel="hub", if any. */
  hubUrl?: string;
  /** The current document's own URL when it is not the channel's plain one (a feed variant: `…/x.atom?limit=5`). */
  selfUrl?: string;
}

/**
 * Which document of a channel's RFC 5005 archive set is rendered: the current one (`archive: null`), or one
 * of the full archive pages firstArchive..archivePages (1 is the oldest ever; pages before `firstArchive`, default
 * 1, aged out, so the `prev-archive` chain ends at it).
 */
export interface FeedPage {
  archive: number | null;
  archivePages: number;
  firstArchive?: number;
  /** Stories retracted from the channel (newest first), written into Atom as RFC 6721 `at:deleted-entry` tombstones. */
  tombstones?: Array<{ storyId: string; deletedAt: number }>;
}

export const CURRENT_PAGE: FeedPage = { archive: null, archivePages: 0 };

/** URI schemes of our categories, so readers can tell a genre from a tag. */
export const KIND_SCHEME = 'urn:syndicate:kind';
export const TAG_SCHEME = 'urn:syndicate:tag';
export const INTERVIEWEE_SCHEME = 'urn:syndicate:interviewee';
const FH_NS = 'http://purl.org/syndication/history/1.0';
/** RFC 6721's namespace (Atom tombstones). */
const AT_NS = 'http://purl.org/atompub/tombstones/1.0';

/** Stable URI of a story, the same whichever outlet carried it (Atom `id`, RSS `guid`, JSON Feed `id`). */
export function storyUri(storyId: string): string {
  return `urn:syndicate:story:${storyId}`;
}

/** Public URL of a channel document: the current feed, or archive page `archive`. */
export function channelUrl(publicUrl: string, channelId: string, format: FeedFormat, archive: number | null = null): string {
  return archive === null ? `${publicUrl}/feeds/${channelId}.${format}` : `${publicUrl}/feeds/${channelId}/archive/${archive}.${format}`;
}

/** The RFC 5005 links of one document (absent ones are undefined). */
function pageLinks(channelId: string, format: FeedFormat, links: ChannelLinks, page: FeedPage) {
  const url = (n: number | null) => channelUrl(links.publicUrl, channelId, format, n);
  const first = Math.max(1, page.firstArchive ?? 1);
  if (page.archive === null)
    return {
      self: links.selfUrl ?? url(null),
      current: url(null),
      prevArchive: page.archivePages >= first ? url(page.archivePages) : undefined,
      nextArchive: undefined,
    };
  return {
    self: url(page.archive),
    current: url(null),
    prevArchive: page.archive > first ? url(page.archive - 1) : undefined,
    nextArchive: page.archive < page.archivePages ? url(page.archive + 1) : undefined,
  };
}

// XML 1.0 forbids most C0 controls even escaped; a stray one from a source would make the whole feed invalid.
// eslint-disable-next-line no-control-regex
const XML_INVALID = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

/** Text made safe for XML character data and attribute values. */
function xml(text: string): string {
  return text.replace(XML_INVALID, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** `feed` wraps text in CDATA, which cannot hold `]]>` or C0 controls. */
function cdataSafe(text: string): string {
  return text.replace(XML_INVALID, '').replace(/]]>/g, ']]&gt;');
}

const paragraphs = (text: string) =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${xml(p)}</p>`)
    .join('');

/**
 * The one Q&A markup every format carries for an interview: built from the structured fields (plain text, so
 * escaping is the only sanitizing needed), so readers see the same shape whichever outlet's layout it came from.
 */
export function interviewHtml(interview: Interview): string {
  const who = interview.interviewee
    ? `<p class="interviewee"><strong>${xml(interview.interviewee.name)}</strong>${interview.interviewee.role ? `, ${xml(interview.interviewee.role)}` : ''}</p>`
    : '';
  const intro = interview.intro ? `<div class="intro">${paragraphs(interview.intro)}</div>` : '';
  const qa = interview.qa.map((turn) => `<dt class="question">${xml(turn.question)}</dt><dd class="answer">${paragraphs(turn.answer)}</dd>`).join('');
  return `<div class="syndicate-interview">${who}${intro}<dl class="qa">${qa}</dl></div>`;
}

/**
 * The body HTML of a story in every format. The item has been through `safeItem` (renderChannel), so
 * `contentHtml` is the one sanitizer's output; the Q&A markup is built from plain text, escaped.
 */
function bodyHtml(item: NormalizedItem): string {
  return item.interview && item.interview.qa.length > 0 ? interviewHtml(item.interview) : item.contentHtml;
}

interface Category {
  term: string;
  scheme: string;
  label?: string;
}

function categories(item: NormalizedItem): Category[] {
  const list: Category[] = [{ term: item.kind, scheme: KIND_SCHEME, label: item.kind === 'interview' ? 'Interview' : 'Article' }];
  for (const tag of item.tags ?? []) list.push({ term: tag, scheme: TAG_SCHEME });
  if (item.interview?.interviewee) list.push({ term: item.interview.interviewee.name, scheme: INTERVIEWEE_SCHEME });
  return list;
}

/** The newest change among `items`, else `fallback`: an archive page's date moves only when its stories do. */
function newestUpdate(items: NormalizedItem[], fallback: Date): Date {
  const newest = Math.max(...items.map((i) => Date.parse(i.updatedAt)).filter((t) => !Number.isNaN(t)));
  return Number.isFinite(newest) ? new Date(newest) : fallback;
}

/** RFC 4287's hreflang pattern (a BCP 47 shape); anything else is left out rather than invalidating the feed. */
const LANGUAGE_TAG = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;

const isoDate = (value: string) => {
  const t = Date.parse(value);
  return (Number.isNaN(t) ? new Date(0) : new Date(t)).toISOString();
};

/**
 * Atom is written by hand: `feed` cannot express a per-entry `<source>`, `rel="via"` links per outlet, RFC 5005
 * links or `fh:archive`. Validated against RFC 4287's RELAX NG schema in the tests.
 */
function renderAtom(channel: ChannelConfig, items: NormalizedItem[], links: ChannelLinks, page: FeedPage, updated: Date): string {
  const l = pageLinks(channel.id, 'atom', links, page);
  const link = (rel: string, href: string, extra = '') => `  <link rel="${rel}" href="${xml(href)}"${extra}/>\n`;
  const tombstones = page.tombstones ?? [];
  let out = `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom" xmlns:fh="${FH_NS}"${tombstones.length ? ` xmlns:at="${AT_NS}"` : ''}>\n`;
  out += `  <id>${xml(channelUrl(links.publicUrl, channel.id, 'atom'))}</id>\n`;
  out += `  <title type="text">${xml(channel.title)}</title>\n`;
  if (channel.description) out += `  <subtitle type="text">${xml(channel.description)}</subtitle>\n`;
  out += `  <updated>${updated.toISOString()}</updated>\n`;
  out += `  <author><name>${xml(channel.title)}</name><uri>${xml(links.publicUrl + '/')}</uri></author>\n`;
  out += `  <generator>syndicate</generator>\n`;
  out += `  <rights>Each story belongs to the outlets that published it</rights>\n`;
  out += link('self', l.self, ' type="application/atom+xml"');
  out += link('alternate', links.publicUrl + '/', ' type="text/html"');
  if (links.hubUrl) out += link('hub', links.hubUrl);
  if (page.archive !== null) out += link('current', l.current, ' type="application/atom+xml"');
  if (l.prevArchive) out += link('prev-archive', l.prevArchive, ' type="application/atom+xml"');
  if (l.nextArchive) out += link('next-archive', l.nextArchive, ' type="application/atom+xml"');
  if (page.archive !== null) out += `  <fh:archive/>\n`;
  // RFC 6721: a retracted story's entry id (the same story URI its entry had) and when it was deleted. Before the
  // entries: RFC 4287's grammar puts a feed's extension elements ahead of its entries.
  for (const { storyId, deletedAt } of tombstones) out += `  <at:deleted-entry ref="${xml(storyUri(storyId))}" when="${new Date(deletedAt).toISOString()}"/>\n`;
  for (const item of items) {
    out += `  <entry>\n    <id>${xml(storyUri(item.id))}</id>\n    <title type="text">${xml(item.title)}</title>\n`;
    out += `    <updated>${isoDate(item.updatedAt)}</updated>\n    <published>${isoDate(item.publishedAt)}</published>\n`;
    // Every outlet that carried the story is an author (as a publisher) and a rel="via" link to its article.
    for (const s of item.sources) out += `    <author><name>${xml(s.name)}</name>${s.url ? `<uri>${xml(s.url)}</uri>` : ''}</author>\n`;
    if (item.sources.length === 0) out += `    <author><name>${xml(item.source.name)}</name></author>\n`;
    if (item.url)
      out += `    <link rel="alternate" type="text/html" href="${xml(item.url)}"${item.language && LANGUAGE_TAG.test(item.language) ? ` hreflang="${item.language}"` : ''}/>\n`;
    for (const s of item.sources.filter((source) => source.itemUrl))
      out += `    <link rel="via" type="text/html" href="${xml(s.itemUrl)}" title="${xml(s.name)}"/>\n`;
    for (const c of categories(item)) out += `    <category term="${xml(c.term)}" scheme="${c.scheme}"${c.label ? ` label="${c.label}"` : ''}/>\n`;
    if (item.summary) out += `    <summary type="text">${xml(item.summary)}</summary>\n`;
    out += `    <content type="html">${xml(bodyHtml(item))}</content>\n`;
    // atom:source holds one feed only (RFC 4287 §4.2.11): the outlet the story was first seen at.
    // An outlet whose home page the URL policy dropped is still named; its id then is its own URN.
    const sourceId = item.source.url || `urn:syndicate:source:${encodeURIComponent(item.source.id)}`;
    out += `    <source><id>${xml(sourceId)}</id><title type="text">${xml(item.source.name)}</title>${item.source.url ? `<link rel="alternate" type="text/html" href="${xml(item.source.url)}"/>` : ''}</source>\n`;
    out += `  </entry>\n`;
  }
  return out + '</feed>\n';
}

function buildFeed(channel: ChannelConfig, items: NormalizedItem[], links: ChannelLinks, page: FeedPage, updated: Date, format: 'rss' | 'json'): Feed {
  const l = pageLinks(channel.id, format, links, page);
  const feed = new Feed({
    id: channelUrl(links.publicUrl, channel.id, 'atom'),
    title: cdataSafe(channel.title),
    description: cdataSafe(format === 'rss' ? escapeHtml(channel.description ?? channel.title) : (channel.description ?? channel.title)),
    link: links.publicUrl + '/',
    updated,
    generator: 'syndicate',
    copyright: 'Each story belongs to the outlets that published it',
    feedLinks: { [format]: l.self },
    hub: links.hubUrl,
  });
  for (const item of items) {
    feed.addItem({
      id: storyUri(item.id),
      guid: storyUri(item.id),
      // Plain text (safeItem): no markup inside the CDATA `feed` wraps titles in.
      title: cdataSafe(item.title),
      link: item.url,
      date: new Date(isoDate(item.updatedAt)),
      published: new Date(isoDate(item.publishedAt)),
      // RSS readers render <description> as HTML, so the plain-text summary goes in escaped; JSON Feed's summary
      // is plain text and goes in as it is.
      description: cdataSafe(format === 'rss' ? escapeHtml(item.summary) : item.summary),
      content: cdataSafe(bodyHtml(item)),
      // RSS <author> must be an e-mail address: outlets go in dc:creator instead (added after rendering).
      author: format === 'json' ? item.sources.map((s) => ({ name: s.name, link: s.url })) : undefined,
      category: categories(item).map((c) => ({ name: cdataSafe(c.term), term: c.term, domain: c.scheme })),
      image: item.images.find((image) => image.url)?.url,
    });
  }
  return feed;
}

/**
 * RSS 2.0 from `feed`, with what `feed` cannot express added: RFC 5005 links and `fh:archive` on the channel;
 * per item a `<source url>` (RSS allows one: the first outlet), a `dc:creator` per outlet and an `atom:link
 * rel="via"` per outlet's article. The guid line is the anchor: `feed` writes it once per item, outside CDATA.
 */
function renderRss(channel: ChannelConfig, items: NormalizedItem[], links: ChannelLinks, page: FeedPage, updated: Date): string {
  let rss = buildFeed(channel, items, links, page, updated, 'rss').rss2();
  const l = pageLinks(channel.id, 'rss', links, page);
  const atomLink = (rel: string, href: string) => `        <atom:link href="${xml(href)}" rel="${rel}" type="application/rss+xml"/>\n`;
  let head = '';
  if (page.archive !== null) head += atomLink('current', l.current);
  if (l.prevArchive) head += atomLink('prev-archive', l.prevArchive);
  if (l.nextArchive) head += atomLink('next-archive', l.nextArchive);
  if (page.archive !== null) head += '        <fh:archive/>\n';
  rss = rss.replace('<rss version="2.0"', `<rss version="2.0" xmlns:fh="${FH_NS}"`);
  rss = rss.replace('<generator>syndicate</generator>\n', `<generator>syndicate</generator>\n${head}`);
  const extras = new Map<string, string>();
  for (const item of items) {
    let extra = item.source.url ? `            <source url="${xml(item.source.url)}">${xml(item.source.name)}</source>\n` : '';
    for (const s of item.sources) extra += `            <dc:creator>${xml(s.name)}</dc:creator>\n`;
    for (const s of item.sources.filter((source) => source.itemUrl))
      extra += `            <atom:link rel="via" href="${xml(s.itemUrl)}" title="${xml(s.name)}"/>\n`;
    extras.set(storyUri(item.id), extra);
  }
  // One pass over the document (a replace per item would be quadratic on a 500-item channel).
  rss = rss.replace(/<guid isPermaLink="false">([^<]*)<\/guid>\n/g, (line: string, guid: string) => line + (extras.get(guid) ?? ''));
  return rss;
}

/** JSON Feed 1.1 from `feed`'s 1.0 output: version, `authors`, `language`, hubs, paging and our extensions. */
function renderJson(channel: ChannelConfig, items: NormalizedItem[], links: ChannelLinks, page: FeedPage, updated: Date): string {
  const doc = JSON.parse(buildFeed(channel, items, links, page, updated, 'json').json1()) as Record<string, unknown> & {
    items: Array<Record<string, unknown>>;
  };
  const l = pageLinks(channel.id, 'json', links, page);
  doc.version = 'https://jsonfeed.org/version/1.1';
  // JSON Feed's next_url leads to older items: exactly RFC 5005's prev-archive.
  if (l.prevArchive) doc.next_url = l.prevArchive;
  if (links.hubUrl) doc.hubs = [{ type: 'WebSub', url: links.hubUrl }];
  doc._syndicate = {
    archive: page.archive !== null,
    ...(page.archive !== null ? { page: page.archive, current: l.current } : {}),
    ...(l.nextArchive ? { next_archive: l.nextArchive } : {}),
  };
  doc.items = doc.items.map((entry, index) => {
    const item = items[index]!;
    const { author: _author, ...rest } = entry;
    return {
      ...rest,
      authors: item.sources.map((s) => (s.url ? { name: s.name, url: s.url } : { name: s.name })),
      ...(item.language ? { language: item.language } : {}),
      _syndicate: { kind: item.kind, sources: item.sources, images: item.images },
      ...(item.interview ? { _interview: { ...item.interview, ...(item.translations?.length ? { translations: item.translations } : {}) } } : {}),
    };
  });
  return JSON.stringify(doc);
}

/**
 * Renders one document of a channel (its stories newest first) in one format. Pure: `updated` is the channel's
 * last change, used for the current document; an archive page carries its newest story's date instead.
 */
export function renderChannel(
  format: FeedFormat,
  channel: ChannelConfig,
  stored: NormalizedItem[],
  links: ChannelLinks,
  updated: Date,
  page: FeedPage = CURRENT_PAGE,
): string {
  // Every story leaves through the same policy, whatever state it was stored in: one hostile entry can neither
  // reach a reader nor make the document fail to render.
  const items = stored.map((item) => safeItem(item));
  const when = page.archive === null ? updated : newestUpdate(items, updated);
  if (format === 'rss') return renderRss(channel, items, links, page, when);
  if (format === 'atom') return renderAtom(channel, items, links, page, when);
  return renderJson(channel, items, links, page, when);
}
