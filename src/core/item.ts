import type { Operation } from 'fast-json-patch';

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
  /** When this outlet published it (as its feed says); absent on stories stored before outlets carried it. */
  publishedAt?: string;
  /**
   * An interview carried by another outlet than the first publication: the turns (ids of the first publication's
   * turns; new ones by their own content id) its version cut, added or reworded. Absent on the first publication.
   */
  turns?: TurnDiff;
}

/** How one outlet's version of an interview differs from the first publication's, by turn id. */
export interface TurnDiff {
  cut: string[];
  added: string[];
  reworded: string[];
}

/** A picture that belongs to the article, with its caption and credit taken out of the text. */
export interface ImageRef {
  url: string;
  caption?: string;
  credit?: string;
}

/** One question with its answer; an answer of several paragraphs keeps them, separated by a blank line. */
export interface QaTurn {
  /** Stable across edits of the story (core/turn-ids.ts): `item.updated` changes name the turn by it. */
  id: string;
  question: string;
  answer: string;
}

/** The structure of an interview. */
export interface Interview {
  /** `personId`: the person's id across scripts and spellings (absent when the name alone cannot tell: one word). */
  interviewee: { name: string; role?: string; personId?: string } | null;
  interviewer: string | null;
  headline: string;
  intro: string;
  qa: QaTurn[];
}

/** The same story published in another language (one interview, translated by another outlet or edition). */
export interface Translation {
  language: string | null;
  url: string;
  source: SourceRef;
  title: string;
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
  /** The dates as the source wrote them, when they were after the fetch time (`publishedAt`/`updatedAt` say the fetch time then). */
  futureDates?: { publishedAt?: string; updatedAt?: string };
  /** Present (true) when the source's body was longer than the item cap (`limits.maxItemChars`) and was cut at a block boundary. */
  truncated?: true;
  /** Id of the outlet that published first (earliest `publishedAt` among `sources`, else the first listed). */
  firstSource?: string;
  /** The story in other languages, in order of arrival; outlets listed here are not in `sources`. */
  translations?: Translation[];
}

/** Events about a story (`data` is the story, or for `item.deleted` what remains of it): every subscription gets them unless its `events` says otherwise. */
export const ITEM_EVENT_TYPES = ['item.published', 'item.updated', 'item.source_added', 'item.translation_added', 'item.deleted'] as const;
/**
 * Operational events (`data` describes the subscription, delivery or source concerned): sent only to subscriptions
 * that list them in `events`, never about a subscription to itself.
 */
export const OPERATIONAL_EVENT_TYPES = [
  'subscription.disabled',
  'delivery.exhausted',
  'delivery.recovered',
  'source.failing',
  'source.recovered',
  'source.gone',
] as const;
/** Webhook event types, as named by the contract. */
export const EVENT_TYPES = [...ITEM_EVENT_TYPES, ...OPERATIONAL_EVENT_TYPES] as const;
export type EventType = (typeof EVENT_TYPES)[number];
export type OperationalEventType = (typeof OPERATIONAL_EVENT_TYPES)[number];

/** Answers whether an event type is operational (sent only to subscriptions that list it). */
export function isOperationalEvent(type: EventType): type is OperationalEventType {
  return (OPERATIONAL_EVENT_TYPES as readonly string[]).includes(type);
}

/** Answers whether an event about a story must reach a subscription after that story's `item.published` (the ordering rule). */
export function followsPublished(type: EventType): boolean {
  return type === 'item.updated' || type === 'item.source_added' || type === 'item.translation_added' || type === 'item.deleted';
}

/** What `item.deleted` carries: the story's id and address, and who retracted it. */
export interface RetractedItem {
  id: string;
  url: string;
  title: string;
  deletedAt: string;
  /** `source`: its last outlet marked it deleted (an Atom tombstone); `operator`: deleted through the API or the CLI. */
  reason: 'source' | 'operator';
  /** The outlet whose tombstone ended the story (null for an operator's deletion). */
  sourceId: string | null;
}

/** One operation of a JSON Patch (RFC 6902): what `item.updated` carries in `changes` (core/item-changes.ts). */
export type PatchOperation = Operation;

/** The body of a webhook event. */
export interface WebhookEvent {
  type: EventType;
  timestamp: string;
  data: NormalizedItem;
  /** `item.updated` only: the JSON Patch from the previous version (core/item-changes.ts); absent on a slim event. */
  changes?: PatchOperation[];
}
