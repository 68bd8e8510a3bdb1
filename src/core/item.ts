/**
 * The normalized item: what `syndicate normalize` prints, what `/api/v1/items` returns and the
 * `data` of every webhook event. Field names and meanings are fixed by `shared/contract.md`.
 */

/** One outlet that carried a story. */
export interface SourceRef {
  id: string;
  name: string;
  /** Home page of the outlet. */
  url: string;
  /** The article's own URL at that outlet. */
  itemUrl: string;
}

/** A picture that belongs to the article, with its caption and credit taken out of the text. */
export interface ImageRef {
  url: string;
  caption?: string;
  credit?: string;
}

/** One question with its answer; an answer of several paragraphs keeps them, separated by a blank line. */
export interface QaTurn {
  question: string;
  answer: string;
}

/** The structure of an interview. */
export interface Interview {
  interviewee: { name: string; role?: string } | null;
  interviewer: string | null;
  headline: string;
  intro: string;
  qa: QaTurn[];
}

export type ItemKind = 'interview' | 'article';

/** A normalized story. */
export interface NormalizedItem {
  /** Stable id of the story: the same for every outlet that carried it. */
  id: string;
  url: string;
  title: string;
  kind: ItemKind;
  language: string | null;
  publishedAt: string;
  updatedAt: string;
  summary: string;
  contentHtml: string;
  contentText: string;
  source: SourceRef;
  sources: SourceRef[];
  images: ImageRef[];
  interview: Interview | null;
  tags?: string[];
  author?: string | null;
  /** Present (true) when the source's body was longer than the item cap (`limits.maxItemChars`) and was cut at a block boundary. */
  truncated?: true;
}

/** Webhook event types, as named by the contract. */
export const EVENT_TYPES = ['item.published', 'item.updated', 'item.source_added'] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** The body of a webhook event. */
export interface WebhookEvent {
  type: EventType;
  timestamp: string;
  data: NormalizedItem;
}
