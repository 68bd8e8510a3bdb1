import type { ChannelConfig } from '../config/schema.js';
import { parseDuration } from '../config/duration.js';
import type { NormalizedItem } from '../core/item.js';
import { feedFilterRules, rulesKeep } from '../core/story-rules.js';
import { hubUrl, type ChannelFeedDeps, type ChannelDocument } from './channel-feed.js';
import { channelUrl, renderChannel, type FeedFormat } from './render-feed.js';

/** A variant draws from at most this many of a channel's newest stories (by arrival), whatever its filters. */
export const VARIANT_WINDOW = 1_000;
/** A relative `since` (`24h`) is rounded down to this, so a variant's document (and cache entry) changes once a minute at most. */
const SINCE_STEP_MS = 60_000;

/** A feed URL's parameters as given (`?limit=&filter=&filterout=&since=`). */
export interface FeedVariantQuery {
  limit?: number;
  filter?: string;
  filterout?: string;
  since?: string;
}

/** The parameters resolved at one moment: `since` as an epoch-ms cutoff, the filters as given. */
export interface FeedVariant {
  limit?: number;
  filter?: string;
  filterout?: string;
  since?: number;
}

/** Answers whether a feed URL asked for a variant (any parameter at all). */
export function isVariant(query: FeedVariantQuery): boolean {
  return query.limit !== undefined || query.filter !== undefined || query.filterout !== undefined || query.since !== undefined;
}

/** A `since` value as an epoch-ms cutoff at `now`: an ISO 8601 time, or a duration back from now (`24h`, `90m`, `7d`); null when neither. */
export function sinceCutoff(since: string, now: number): number | null {
  const text = since.trim();
  // Bare digits would be both a year and milliseconds: neither is meant, so they are refused.
  if (/^\d+(\.\d+)?(ms|s|m|h|d)/.test(text)) {
    const ms = parseDuration(text);
    return ms === null ? null : Math.floor((now - ms) / SINCE_STEP_MS) * SINCE_STEP_MS;
  }
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : at;
}

/** The parameters resolved at `now` (callers validated them: see api/schemas.ts). */
export function resolveVariant(query: FeedVariantQuery, now: number): FeedVariant {
  return {
    ...(query.limit !== undefined ? { limit: query.limit } : {}),
    ...(query.filter !== undefined ? { filter: query.filter } : {}),
    ...(query.filterout !== undefined ? { filterout: query.filterout } : {}),
    ...(query.since !== undefined ? { since: sinceCutoff(query.since, now) ?? 0 } : {}),
  };
}

/** One text per distinct variant (parameter order and a relative `since` within the same minute do not matter). */
export function variantKey(variant: FeedVariant): string {
  return JSON.stringify([variant.limit ?? null, variant.filter ?? null, variant.filterout ?? null, variant.since ?? null]);
}

/** The stories of a variant: newest first, published at or after `since`, kept by the filters, at most `limit`. */
export function selectVariant(stories: NormalizedItem[], variant: FeedVariant, limit: number): NormalizedItem[] {
  const rules = feedFilterRules(variant.filter, variant.filterout);
  const kept: NormalizedItem[] = [];
  for (const story of stories) {
    if (kept.length >= limit) break;
    if (variant.since !== undefined && !(Date.parse(story.publishedAt) >= variant.since)) continue;
    if (rules && !rulesKeep(story, rules)) continue;
    kept.push(story);
  }
  return kept;
}

/** The public URL of a variant (its `self` link): the channel's feed URL with the parameters as the client gave them. */
export function variantUrl(publicUrl: string, channelId: string, format: FeedFormat, query: FeedVariantQuery): string {
  const params = new URLSearchParams();
  for (const name of ['limit', 'filter', 'filterout', 'since'] as const) if (query[name] !== undefined) params.set(name, String(query[name]));
  return `${channelUrl(publicUrl, channelId, format)}?${params.toString()}`;
}

/**
 * Loads and renders a variant of a channel's current document: drawn from its newest {@link VARIANT_WINDOW}
 * stories, `limit` of them at most (the channel's page size by default). A variant is not the channel's full
 * history, so it links to no archive page.
 */
export async function renderChannelVariant(
  deps: ChannelFeedDeps,
  channel: ChannelConfig,
  format: FeedFormat,
  query: FeedVariantQuery,
  variant: FeedVariant,
  fallbackDate: Date,
): Promise<ChannelDocument> {
  const [state, total] = await Promise.all([deps.items.channelState(channel.id), deps.items.channelSize(channel.id)]);
  const limit = variant.limit ?? channel.pageSize;
  const kept: NormalizedItem[] = [];
  // Newest first, a page at a time: a variant without filters reads only what it shows.
  const page = variant.filter || variant.filterout || variant.since !== undefined ? 200 : limit;
  for (let stop = total - 1; stop >= Math.max(0, total - VARIANT_WINDOW) && kept.length < limit; stop -= page) {
    const start = Math.max(0, total - VARIANT_WINDOW, stop - page + 1);
    kept.push(...selectVariant(await deps.items.channelRange(channel.id, start, stop), variant, limit - kept.length));
  }
  const updated = new Date(state.lastModified || fallbackDate.getTime());
  const links = { publicUrl: deps.env.publicUrl, hubUrl: hubUrl(deps.env.publicUrl), selfUrl: variantUrl(deps.env.publicUrl, channel.id, format, query) };
  return { body: renderChannel(format, channel, kept, links, updated), lastModified: updated, version: state.version, archive: false };
}
