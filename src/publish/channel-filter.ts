import type { ChannelConfig, ChannelFilter } from '../config/schema.js';
import type { NormalizedItem } from '../core/item.js';
import { rulesKeep } from '../core/story-rules.js';

/** Answers whether a story belongs in a channel: its filter (every named condition) holds and its rules keep it. */
export function belongsInChannel(item: NormalizedItem, channel: Pick<ChannelConfig, 'filter' | 'rules'>): boolean {
  return matchesChannel(item, channel.filter) && rulesKeep(item, channel.rules);
}

/** Answers whether a story passes a channel's filter (every named condition must hold). */
export function matchesChannel(item: NormalizedItem, filter: ChannelFilter): boolean {
  if (filter.kind && item.kind !== filter.kind) return false;
  if (filter.sources?.length && !item.sources.some((s) => filter.sources!.includes(s.id))) return false;
  if (filter.language && item.language !== filter.language) return false;
  if (filter.people?.length) {
    const personId = item.interview?.interviewee?.personId;
    if (!personId || !filter.people.includes(personId)) return false;
  }
  if (filter.tags?.length) {
    const tags = new Set((item.tags ?? []).map((t) => t.toLowerCase()));
    if (!filter.tags.some((t) => tags.has(t.toLowerCase()))) return false;
  }
  return true;
}
