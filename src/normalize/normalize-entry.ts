import { createHash } from 'node:crypto';
import type { NormalizedItem, SourceRef } from '../core/item.js';
import type { FeedEntry } from '../content/feed-entry.js';
import { htmlToText } from '../content/feed-text.js';
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
 * Turns one feed entry into the contract's normalized item. Pure: `fetchedAt` stands in for missing dates.
 * The story id proposed here is the entry's own; the dedup stage may map it to an existing story.
 */
export function normalizeEntry(entry: FeedEntry, source: EntrySource, fetchedAt: string): NormalizedItem {
  const itemUrl = canonicalizeUrl(entry.link ?? source.homepage);
  const analysis = analyzeArticle({
    title: entry.title,
    html: entry.contentHtml ?? entry.summary ?? '',
    baseUrl: itemUrl,
    sourceName: source.name,
    language: entry.language,
    rules: source.cleanup,
  });
  // The feed's own summary, beside a full body, is what its publisher wrote to sum the story up.
  const feedSummary = entry.summary ? htmlToText(entry.summary) : '';
  const ref: SourceRef = { id: source.id, name: source.name, url: source.homepage, itemUrl };
  const publishedAt = entry.publishedAt ?? entry.updatedAt ?? fetchedAt;
  // A caption found in plain text has no picture address of its own; the entry's image is the likeliest one.
  const images = analysis.images.map((image, index) => (index === 0 && !image.url && entry.imageUrl ? { ...image, url: entry.imageUrl } : image));
  if (entry.imageUrl && !images.some((image) => image.url === entry.imageUrl)) images.unshift({ url: entry.imageUrl });
  return {
    id: stableId(source.id, entry.guid ?? itemUrl),
    url: itemUrl,
    title: entry.title.trim(),
    kind: analysis.kind,
    language: analysis.language,
    publishedAt,
    updatedAt: entry.updatedAt ?? publishedAt,
    summary: summarize(feedSummary && entry.contentHtml ? feedSummary : analysis.summary || analysis.contentText || feedSummary),
    contentHtml: analysis.contentHtml,
    contentText: analysis.contentText,
    source: ref,
    sources: [ref],
    images,
    interview: analysis.interview,
    tags: entry.categories,
    author: entry.author,
  };
}
