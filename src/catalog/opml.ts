import * as cheerio from 'cheerio';
import { SyndicateError } from '../core/errors.js';
import type { SourceConfig } from '../config/schema.js';

/**
 * OPML, the subscription list every feed reader imports and exports (OPML 2.0, `type="rss"` outlines). Pure: text
 * in, sources out, and back. What OPML has no attribute for (our source id, polling interval, enabled, full-text
 * mode) travels in the `syndicate:` namespace, so an export imports back unchanged; other readers ignore it.
 */
export const OPML_NAMESPACE = 'https://github.com/syndicate/syndicate/opml';

/** A source read from OPML: what the API's PUT takes (the interval as text such as `5m`). */
export interface OpmlSource {
  id: string;
  name: string;
  url: string;
  homepage?: string;
  interval?: string;
  enabled?: boolean;
  fullText?: 'auto' | 'always' | 'never';
  timezone?: string;
  dayOrder?: 'dmy' | 'mdy';
  /** The folder path it was filed under in the reader ("Tech / Blogs"); informational. */
  folder?: string;
}

/** A source id (`[a-z0-9-]+`) from a title or a URL; empty when nothing Latin is left (a Cyrillic title). */
export function slugify(text: string): string {
  const slug = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return slug;
}

/**
 * Every feed outline of an OPML document, at any depth (readers nest feeds in folders), in document order.
 * The id is `syndicate:id` when the outline has one (our own export), else that of the known source with the same
 * URL (a re-import changes nothing), else one made from the title (or the URL) that no known source or earlier
 * outline uses, so an import never replaces a different feed.
 */
export function parseOpml(text: string, known: ReadonlyArray<{ id: string; url: string }> = []): OpmlSource[] {
  const $ = cheerio.load(text, { xml: true });
  if ($('opml').length === 0 || $('body').length === 0) throw new SyndicateError('SYN_ERR_PARSE_FAILED', 'not an OPML document: no <opml> with a <body>');
  const idByUrl = new Map(known.map((k) => [k.url, k.id]));
  const used = new Set(known.map((k) => k.id));
  const sources: OpmlSource[] = [];
  $('outline').each((_, element) => {
    const node = $(element);
    // An outline with only a home page becomes a source at that page: the fetch stage discovers its feed.
    const htmlUrl = node.attr('htmlUrl') ?? node.attr('htmlurl');
    const url =
      node.attr('xmlUrl') ?? node.attr('xmlurl') ?? (htmlUrl && /^https?:/i.test(htmlUrl) && node.children('outline').length === 0 ? htmlUrl : undefined);
    if (!url) return;
    const name = (node.attr('title') ?? node.attr('text') ?? '').trim() || hostOf(url);
    let id = node.attr('syndicate:id') ?? idByUrl.get(url);
    if (!id || !/^[a-z0-9-]+$/.test(id)) {
      const base = slugify(name) || slugify(url.replace(/^[a-z]+:\/\//i, '')) || 'source';
      id = base;
      for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
    }
    used.add(id);
    const folder = node
      .parents('outline')
      .toArray()
      .reverse()
      .map((parent) => ($(parent).attr('title') ?? $(parent).attr('text') ?? '').trim())
      .filter(Boolean)
      .join(' / ');
    const source: OpmlSource = { id, name, url };
    const homepage = node.attr('htmlUrl') ?? node.attr('htmlurl');
    if (homepage && /^https?:/.test(homepage)) source.homepage = homepage;
    const interval = node.attr('syndicate:interval');
    if (interval) source.interval = interval;
    const enabled = node.attr('syndicate:enabled');
    if (enabled) source.enabled = enabled !== 'false';
    const fullText = node.attr('syndicate:fullText');
    if (fullText === 'auto' || fullText === 'always' || fullText === 'never') source.fullText = fullText;
    const timezone = node.attr('syndicate:timezone');
    if (timezone) source.timezone = timezone;
    const dayOrder = node.attr('syndicate:dayOrder');
    if (dayOrder === 'dmy' || dayOrder === 'mdy') source.dayOrder = dayOrder;
    if (folder) source.folder = folder;
    sources.push(source);
  });
  return sources;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return url;
  }
}

const escapeXml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** Milliseconds as the shortest duration text `parseDuration` reads back (`300000` → `5m`). */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}

/** The ids of sources whose request profile an export leaves out (its secrets never leave the system). */
export function profilesLeftOut(sources: ReadonlyArray<Pick<SourceConfig, 'id' | 'request'>>): string[] {
  return sources.filter((s) => s.request).map((s) => s.id);
}

/** What an export says of the profiles it left out. */
export function profileNote(ids: string[]): string {
  return `request profiles (headers, user agent, credentials, cookies) left out of this export: ${ids.join(', ')}; set them again after an import`;
}

/** An OPML 2.0 document of the sources (sorted by id, so the same catalog always gives the same text). */
export function renderOpml(sources: SourceConfig[], title = 'syndicate sources'): string {
  const lines = [...sources]
    .sort((a, b) => a.id.localeCompare(b.id))
    .map((s) => {
      const attributes: Array<[string, string]> = [
        ['type', 'rss'],
        ['text', s.name],
        ['title', s.name],
        ['xmlUrl', s.url],
        ...(s.homepage ? ([['htmlUrl', s.homepage]] as Array<[string, string]>) : []),
        ['syndicate:id', s.id],
        ['syndicate:interval', formatDuration(s.interval)],
        ['syndicate:enabled', String(s.enabled)],
        ['syndicate:fullText', s.fullText],
        ...(s.timezone ? ([['syndicate:timezone', s.timezone]] as Array<[string, string]>) : []),
        ...(s.dayOrder ? ([['syndicate:dayOrder', s.dayOrder]] as Array<[string, string]>) : []),
      ];
      return `    <outline ${attributes.map(([k, v]) => `${k}="${escapeXml(v)}"`).join(' ')}/>`;
    });
  const withProfile = profilesLeftOut(sources);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<opml version="2.0" xmlns:syndicate="${OPML_NAMESPACE}">`,
    '  <head>',
    `    <title>${escapeXml(title)}</title>`,
    '  </head>',
    ...(withProfile.length ? [`  <!-- ${escapeXml(profileNote(withProfile))} -->`.replace(/--(?!>)/g, '- -')] : []),
    '  <body>',
    ...lines,
    '  </body>',
    '</opml>',
    '',
  ].join('\n');
}
