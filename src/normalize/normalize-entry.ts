import { createHash } from 'node:crypto';
import { htmlToText, plainText, stripMarkup } from '../core/content-policy.js';
import { squeeze } from '../content/text.js';
import type { NormalizedItem, SourceRef } from '../core/item.js';
import { safeItem } from '../core/safe-item.js';
import { safeUrl } from '../core/url-policy.js';
import type { FeedEntry } from '../content/feed-entry.js';
import { analyzeArticle, type SourceCleanupRules } from './article/analyze-article.js';
import { canonicalizeUrl } from '../content/canonical-url.js';

/** What the normalizer needs to know of the source an entry came from. */
export interface EntrySource {
  id: string;
  name: string;
  /** Home page of the outlet. */
  homepage: string;
  cleanup?: SourceCleanupRules;
}

/** A short stable id from any text: 20 hex characters of SHA-256. */
export function stableId(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 20);
}

/** Cuts plain text to about `max` characters, at a sentence or word boundary. */
export function summarize(text: string, max = 280): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  if (flat.length <= max) return flat;
  const cut = flat.slice(0, max);
  const sentenceEnd = Math.max(cut.lastIndexOf('. '), cut.lastIndexOf('? '), cut.lastIndexOf('! '));
  if (sentenceEnd > max * 0.5) return cut.slice(0, sentenceEnd + 1);
  return `${cut.slice(0, cut.lastIndexOf(' ') > 0 ? cut.lastIndexOf(' ') : max)}…`;
}

/**
 * What the story is when the entry has no guid and no usable link (none, or one the URL policy dropped): its
 * title, else its text. Never the home page: two such entries of one outlet are two stories, not one.
 */
function entryIdentity(guid: string | null, ownUrl: string | null, title: string, contentText: string): string {
  if (guid) return guid;
  if (ownUrl) return ownUrl;
  return title ? `title\u0000${title}` : `text\u0000${contentText}`;
}

/**
 * Turns one feed entry into the contract's normalized item. Pure: `fetchedAt` stands in for missing dates.
 * The story id proposed here is the entry's own; the dedup stage may map it to an existing story.
 * Every address passes the URL policy (a relative link is resolved against the home page; a dropped or missing
 * link leaves `url` and `itemUrl` empty, never another page's address), and title, summary, categories and
 * author are plain text.
 */
export function normalizeEntry(entry: FeedEntry, source: EntrySource, fetchedAt: string): NormalizedItem {
  const homepage = safeUrl(source.homepage) ?? '';
  const link = safeUrl(entry.link, { base: homepage });
  const ownUrl = link === null ? null : canonicalizeUrl(link);
  // The feed readers hand the title over as plain text already: read as HTML again, "the &lt;blink&gt; tag" would
  // lose its words.
  const title = stripMarkup(squeeze(entry.title));
  const analysis = analyzeArticle({
    title,
    html: entry.contentHtml ?? entry.summary ?? '',
    baseUrl: ownUrl ?? (homepage || undefined),
    sourceName: source.name,
    language: entry.language,
    rules: source.cleanup,
  });
  const itemUrl = ownUrl ?? '';
  // The feed's own summary, beside a full body, is what its publisher wrote to sum the story up.
  const feedSummary = entry.summary ? htmlToText(entry.summary) : '';
  const ref: SourceRef = { id: source.id, name: plainText(source.name), url: homepage, itemUrl };
  const publishedAt = entry.publishedAt ?? entry.updatedAt ?? fetchedAt;
  const imageUrl = safeUrl(entry.imageUrl, { base: ownUrl ?? homepage });
  // A caption found in plain text has no picture address of its own; the entry's image is the likeliest one.
  const images = analysis.images.map((image, index) => (index === 0 && !image.url && imageUrl ? { ...image, url: imageUrl } : image));
  if (imageUrl && !images.some((image) => image.url === imageUrl)) images.unshift({ url: imageUrl });
  const item: NormalizedItem = {
    id: stableId(source.id, entryIdentity(entry.guid, ownUrl, title, analysis.contentText)),
    url: itemUrl,
    title,
    kind: analysis.kind,
    language: analysis.language,
    publishedAt,
    updatedAt: entry.updatedAt ?? publishedAt,
    // When the body analysis keeps no text (all of it taken for furniture or markup), the source's own words still
    // make the summary.
    summary: summarize(
      feedSummary && entry.contentHtml ? feedSummary : analysis.summary || analysis.contentText || feedSummary || plainText(entry.contentHtml),
    ),
    contentHtml: analysis.contentHtml,
    contentText: analysis.contentText,
    source: ref,
    sources: [ref],
    images,
    interview: analysis.interview,
    tags: entry.categories.map(plainText).filter(Boolean),
    author: entry.author === null ? null : plainText(entry.author) || null,
    ...(entry.futureDates ? { futureDates: entry.futureDates } : {}),
  };
  if (entry.truncated) item.truncated = true;
  // The body comes from the one sanitizer already (article/render.ts); the rest of the policy applies here.
  return safeItem(item, { bodySanitized: true });
}
