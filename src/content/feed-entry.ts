import type { DayOrder } from './feed-date.js';

/** One entry of a parsed feed, before normalization: what the feed says, nothing more. */
export interface FeedEntry {
  guid: string | null;
  link: string | null;
  title: string;
  publishedAt: string | null;
  updatedAt: string | null;
  author: string | null;
  summary: string | null;
  /** Full body when the feed carries one (`content:encoded`, Atom content, JSON Feed content_html). */
  contentHtml: string | null;
  categories: string[];
  imageUrl: string | null;
  language: string | null;
  /**
   * The dates as the source wrote them when they were after the fetch time; `publishedAt`/`updatedAt` then say the
   * fetch time instead (a clock set wrong, or a zone left out, must not put a story at the top of every feed).
   */
  futureDates?: { publishedAt?: string; updatedAt?: string };
  /** True when the body or summary was longer than the caps allow and was cut (content/caps.ts). */
  truncated?: boolean;
}

/** A parsed feed: its own metadata and entries. */
export interface ParsedFeed {
  title: string;
  link: string | null;
  language: string | null;
  /** WebSub hub advertised by the feed (`rel="hub"`), if any. */
  hubUrl: string | null;
  selfUrl: string | null;
  /** Feed-level TTL in minutes (`<ttl>`), if any. */
  ttlMinutes: number | null;
  /** Minutes between updates announced by `sy:updatePeriod`/`sy:updateFrequency`, if any. */
  updatePeriodMinutes: number | null;
  entries: FeedEntry[];
  /** Entries the feed marks deleted (Atom `at:deleted-entry`, RFC 6721): the deleted entry's id and when, if said. */
  deletedEntries?: Array<{ ref: string; when: string | null }>;
  /** What was wrong with a document read leniently (undeclared entities, unclosed elements, bad items); empty when it was well-formed. */
  warnings: string[];
  /** The day order of the source's numeric dates (`03/04/2026`), as its dates showed it or as it was known; null when nothing tells. */
  dayOrder?: DayOrder | null;
}
