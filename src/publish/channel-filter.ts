import type { ChannelFilter } from '../config/schema.js';
import type { NormalizedItem } from '../core/item.js';

/** Answers whether a story belongs in a channel with this filter (every named condition must hold). */
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
