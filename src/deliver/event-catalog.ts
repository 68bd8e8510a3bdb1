/**
 * The event catalog: for every webhook event type, what it means, the JSON Schema of its body and an example. The
 * OpenAPI document publishes it as its `webhooks` section, the test send (`POST /api/v1/subscriptions/{id}/test`)
 * sends the example, and a test validates real deliveries against the schemas. Pure: schemas and data only.
 */
import { z } from 'zod';
import { EVENT_TYPES, type EventType } from '../core/item.js';

const iso = () => z.iso.datetime({ offset: true });
const httpUrl = () => z.string().regex(/^https?:\/\//i, 'an http(s) URL');

/** An outlet that carried a story. */
const sourceRefSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  url: z.string(),
  itemUrl: z.string(),
  publishedAt: iso().optional().describe('when this outlet published it'),
  turns: z
    .looseObject({ cut: z.array(z.string()), added: z.array(z.string()), reworded: z.array(z.string()) })
    .optional()
    .describe("an interview's later outlet: the turns (by id) its version cut, added or reworded against the first publication"),
});

/** The same interview in another language (core/item.ts `Translation`); its outlet is not in `sources`. */
const translationSchema = z
  .looseObject({ language: z.string().nullable(), url: httpUrl(), source: sourceRefSchema, title: z.string() })
  .describe('the same interview published in another language');

/** One operation of the JSON Patch (RFC 6902) that `item.updated` carries in `changes`. */
const patchOperationSchema = z.looseObject({
  op: z.enum(['add', 'remove', 'replace', 'move', 'copy', 'test']),
  path: z.string(),
  from: z.string().optional(),
  value: z.unknown().optional(),
});

/**
 * `changes` of `item.updated`: the JSON Patch from the previous version of the story to this one, over its keyed
 * form (core/item-changes.ts).
 */
export const itemChangesSchema = z
  .array(patchOperationSchema)
  .describe(
    'JSON Patch (RFC 6902) from the previous version to this one, over the keyed form of the item: `interview.qa` as an object of turns by turn id and `interview.qaOrder` the ids in order, so paths name turns by id (`/interview/qa/t-3f2a…/answer`). A consumer that missed an update applies `data` instead.',
  );

/**
 * The normalized item (shared/contract.md), as events carry it. Objects are open: the contract lets fields be
 * added without notice, so a consumer's validator must not refuse them.
 */
export const itemSchema = z
  .looseObject({
    id: z.string().describe('stable id of the story: the same for every outlet that carried it'),
    url: httpUrl().describe('canonical article URL'),
    title: z.string(),
    kind: z.enum(['interview', 'article']),
    language: z.string().nullable(),
    publishedAt: iso(),
    updatedAt: iso(),
    summary: z.string().describe('plain text'),
    contentHtml: z.string().describe('sanitized HTML of the cleaned body'),
    contentText: z.string().describe('plain text of the cleaned body'),
    source: sourceRefSchema,
    sources: z.array(sourceRefSchema).describe('every outlet that carried the story, first first'),
    images: z.array(z.looseObject({ url: httpUrl(), caption: z.string().optional(), credit: z.string().optional() })),
    interview: z
      .looseObject({
        interviewee: z
          .looseObject({
            name: z.string(),
            role: z.string().optional(),
            personId: z.string().optional().describe('the person across scripts and spellings (`/api/v1/people/{id}`); absent when the name alone cannot tell'),
          })
          .nullable(),
        interviewer: z.string().nullable(),
        headline: z.string(),
        intro: z.string(),
        qa: z.array(
          z.looseObject({
            id: z.string().describe('the turn, stable across edits of the story: `changes` name it'),
            question: z.string(),
            answer: z.string(),
          }),
        ),
      })
      .nullable()
      .describe('null for an article'),
    tags: z.array(z.string()).optional(),
    author: z.string().nullable().optional(),
    firstSource: z.string().optional().describe('id of the outlet that published first (earliest `publishedAt` among `sources`)'),
    translations: z.array(translationSchema).optional().describe('the story in other languages, in order of arrival'),
  })
  .describe('the normalized item');

/** What an event above `delivery.maxPayloadBytes` carries instead of the item (fetch the rest from the API or feeds). */
const slimItemSchema = z.looseObject({ id: z.string(), url: z.string(), title: z.string() }).describe('a slim item: the event was too large');

/** What `item.deleted` carries (core/item.ts `RetractedItem`). */
export const retractedItemSchema = z
  .looseObject({
    id: z.string(),
    url: z.string(),
    title: z.string(),
    deletedAt: iso(),
    reason: z.enum(['source', 'operator']).describe('`source`: its last outlet marked it deleted (Atom tombstone); `operator`: deleted through the API or CLI'),
    sourceId: z.string().nullable().describe('the outlet whose tombstone ended the story; null for an operator'),
  })
  .describe('a retracted story');

export const subscriptionDisabledSchema = z.looseObject({
  subscriptionId: z.string(),
  url: z.string(),
  reason: z.string().describe('why: a 410 Gone, or continuous failure for `delivery.disableAfter`'),
  disabledAt: iso(),
});

export const deliveryExhaustedSchema = z.looseObject({
  subscriptionId: z.string(),
  eventId: z.string().describe('the webhook-id of the event that was not delivered'),
  eventType: z.enum(EVENT_TYPES),
  storyId: z.string(),
  attempts: z.number().int().min(0),
  errorCode: z.string().nullable().describe('SYN_ERR_* code of the last attempt'),
  error: z.string().nullable(),
  failedAt: iso(),
});

export const deliveryRecoveredSchema = z.looseObject({
  subscriptionId: z.string(),
  exhaustedAt: iso().describe('when a delivery to it was last exhausted'),
  recoveredAt: iso().describe('when a delivery succeeded again'),
});

const sourceFields = { sourceId: z.string(), name: z.string(), url: z.string() };

export const sourceFailingSchema = z.looseObject({
  ...sourceFields,
  consecutiveErrors: z.number().int().min(1),
  errorCode: z.string(),
  errorMessage: z.string(),
  httpStatus: z.number().int().nullable(),
  lastSuccessAt: iso().nullable(),
  at: iso(),
});

export const sourceRecoveredSchema = z.looseObject({
  ...sourceFields,
  consecutiveErrors: z.number().int().min(1).describe('errors in a row before it'),
  recoveredAt: iso(),
});

export const sourceGoneSchema = z.looseObject({ ...sourceFields, goneAt: iso() });

/** An event body: `type`, `timestamp` and `data` (and `slim` when the item was cut down). */
const envelope = <T extends EventType>(type: T, data: z.ZodType, extra: z.ZodRawShape = {}) =>
  z.object({ type: z.literal(type), timestamp: iso(), data, ...extra });

const SAMPLE_SOURCE = {
  id: 'news-az',
  name: 'News.Az',
  url: 'https://news.az/',
  itemUrl: 'https://news.az/news/interview-trofimchuk',
  publishedAt: '2025-06-10T09:00:00.000Z',
};
const SAMPLE_TURN = 't-3f2a9c01b7';
const SAMPLE_ITEM = {
  id: 'st_6c1f0d2a9b',
  url: 'https://news.az/news/interview-trofimchuk',
  title: 'Grigory Trofimchuk: Russia has no choice but to accept the new regional order',
  kind: 'interview',
  language: 'en',
  publishedAt: '2025-06-10T09:00:00.000Z',
  updatedAt: '2025-06-10T09:00:00.000Z',
  summary: 'A Russian international affairs expert on the new regional order.',
  contentHtml: '<p><strong>What are your forecasts?</strong></p><p>I would refrain from forecasts.</p>',
  contentText: 'What are your forecasts?\n\nI would refrain from forecasts.',
  source: SAMPLE_SOURCE,
  sources: [SAMPLE_SOURCE],
  images: [{ url: 'https://news.az/uploads/khankendi.jpg', caption: "Azerbaijan's Khankendi hosted the meeting", credit: 'AZERTAC' }],
  interview: {
    interviewee: { name: 'Grigory Trofimchuk', role: 'Russian international affairs expert', personId: 'p-trofimchuk-grigory' },
    interviewer: 'News.Az',
    headline: 'Russia has no choice but to accept the new regional order',
    intro: 'News.Az interviews Grigory Trofimchuk.',
    qa: [{ id: SAMPLE_TURN, question: 'What are your forecasts?', answer: 'I would refrain from forecasts.' }],
  },
  firstSource: 'news-az',
};
const SECOND_SOURCE = {
  id: 'azertac',
  name: 'AZERTAC',
  url: 'https://azertag.az/',
  itemUrl: 'https://azertag.az/en/xeber/trofimchuk',
  publishedAt: '2025-06-10T09:20:00.000Z',
  turns: { cut: [], added: [], reworded: [SAMPLE_TURN] },
};
const RUSSIAN_SOURCE = { id: 'report-ru', name: 'Report.az (RU)', url: 'https://report.az/ru/', itemUrl: 'https://report.az/ru/interview/trofimchuk' };
const AT = '2025-06-10T09:00:05.000Z';

/** One event type as the catalog describes it. */
export interface CatalogEntry {
  summary: string;
  /** The whole body: `{type, timestamp, data}`. */
  schema: z.ZodType;
  /** A body that validates against `schema`. */
  example: { type: EventType; timestamp: string; data: Record<string, unknown>; changes?: unknown[] };
}

const itemData = z.union([itemSchema, slimItemSchema]);
const slim = { slim: z.literal(true).optional().describe('true when `data` is a slim item (the event was above `delivery.maxPayloadBytes`)') };

/** Every event type, with its schema and example. A type missing here fails to compile. */
export const EVENT_CATALOG: Record<EventType, CatalogEntry> = {
  'item.published': {
    summary: 'A new story. `data` is the normalized item.',
    schema: envelope('item.published', itemData, slim),
    example: { type: 'item.published', timestamp: AT, data: SAMPLE_ITEM },
  },
  'item.updated': {
    summary: "A story's content changed (an edit at its source). `data` is the story as it is now.",
    schema: envelope('item.updated', itemData, {
      ...slim,
      changes: itemChangesSchema.optional().describe('the JSON Patch from the previous version (absent on a slim event)'),
    }),
    example: {
      type: 'item.updated',
      timestamp: AT,
      data: {
        ...SAMPLE_ITEM,
        updatedAt: AT,
        interview: { ...SAMPLE_ITEM.interview, qa: [{ id: SAMPLE_TURN, question: 'What are your forecasts?', answer: 'I would refrain from any forecasts.' }] },
      },
      changes: [
        { op: 'replace', path: '/updatedAt', value: AT },
        { op: 'replace', path: `/interview/qa/${SAMPLE_TURN}/answer`, value: 'I would refrain from any forecasts.' },
      ],
    },
  },
  'item.source_added': {
    summary: 'Another outlet carried a story already published. `data` is the story with every outlet in `sources`.',
    schema: envelope('item.source_added', itemData, slim),
    example: { type: 'item.source_added', timestamp: AT, data: { ...SAMPLE_ITEM, sources: [SAMPLE_SOURCE, SECOND_SOURCE] } },
  },
  'item.translation_added': {
    summary:
      'The same interview was published in another language (by another outlet or edition), instead of an `item.published` of its own. `data` is the story with the new entry at the end of `translations`; its outlet is not in `sources`.',
    schema: envelope('item.translation_added', itemData, slim),
    example: {
      type: 'item.translation_added',
      timestamp: AT,
      data: {
        ...SAMPLE_ITEM,
        translations: [
          {
            language: 'ru',
            url: RUSSIAN_SOURCE.itemUrl,
            source: RUSSIAN_SOURCE,
            title: 'Григорий Трофимчук: у России нет выбора, кроме как принять новый региональный порядок',
          },
        ],
      },
    },
  },
  'item.deleted': {
    summary:
      'A story was retracted: its last outlet marked it deleted (an Atom tombstone, RFC 6721) or an operator deleted it. It has left every channel. (When one of several outlets retracts, the story stays and an `item.updated` without that outlet follows.)',
    schema: envelope('item.deleted', retractedItemSchema),
    example: {
      type: 'item.deleted',
      timestamp: AT,
      data: { id: SAMPLE_ITEM.id, url: SAMPLE_ITEM.url, title: SAMPLE_ITEM.title, deletedAt: AT, reason: 'source', sourceId: 'news-az' },
    },
  },
  'subscription.disabled': {
    summary:
      'Another subscription was disabled (410 Gone, or failing without success for `delivery.disableAfter`). Operational: only to subscriptions that list it.',
    schema: envelope('subscription.disabled', subscriptionDisabledSchema),
    example: {
      type: 'subscription.disabled',
      timestamp: AT,
      data: { subscriptionId: 'partner-a', url: 'https://partner.example/hooks', reason: '410 Gone from https://partner.example/hooks', disabledAt: AT },
    },
  },
  'delivery.exhausted': {
    summary: 'A delivery to another subscription spent every attempt (a dead letter, replayable). Operational: only to subscriptions that list it.',
    schema: envelope('delivery.exhausted', deliveryExhaustedSchema),
    example: {
      type: 'delivery.exhausted',
      timestamp: AT,
      data: {
        subscriptionId: 'partner-a',
        eventId: 'msg_2Qv7h0bXo4d9Kc1mZpY8sT3uWnA',
        eventType: 'item.published',
        storyId: SAMPLE_ITEM.id,
        attempts: 8,
        errorCode: 'SYN_ERR_DELIVERY_FAILED',
        error: 'endpoint answered 500',
        failedAt: AT,
      },
    },
  },
  'delivery.recovered': {
    summary: 'Another subscription whose delivery was exhausted accepted a delivery again. Operational: only to subscriptions that list it.',
    schema: envelope('delivery.recovered', deliveryRecoveredSchema),
    example: { type: 'delivery.recovered', timestamp: AT, data: { subscriptionId: 'partner-a', exhaustedAt: '2025-06-10T08:00:00.000Z', recoveredAt: AT } },
  },
  'source.failing': {
    summary: 'A source failed `events.sourceFailingAfter` fetches in a row (5 by default); sent once per failing streak. Operational.',
    schema: envelope('source.failing', sourceFailingSchema),
    example: {
      type: 'source.failing',
      timestamp: AT,
      data: {
        sourceId: 'news-az',
        name: 'News.Az',
        url: 'https://news.az/rss',
        consecutiveErrors: 5,
        errorCode: 'SYN_ERR_FETCH_HTTP_STATUS',
        errorMessage: 'https://news.az/rss answered 502',
        httpStatus: 502,
        lastSuccessAt: '2025-06-10T07:00:00.000Z',
        at: AT,
      },
    },
  },
  'source.recovered': {
    summary: 'A source that was reported failing was fetched successfully again. Operational.',
    schema: envelope('source.recovered', sourceRecoveredSchema),
    example: {
      type: 'source.recovered',
      timestamp: AT,
      data: { sourceId: 'news-az', name: 'News.Az', url: 'https://news.az/rss', consecutiveErrors: 7, recoveredAt: AT },
    },
  },
  'source.gone': {
    summary: 'A source answered 410 Gone: polling stopped until an operator puts it again. Operational.',
    schema: envelope('source.gone', sourceGoneSchema),
    example: { type: 'source.gone', timestamp: AT, data: { sourceId: 'news-az', name: 'News.Az', url: 'https://news.az/rss', goneAt: AT } },
  },
};

/** The JSON Schema (2020-12) of an event type's body. */
export function eventJsonSchema(type: EventType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(EVENT_CATALOG[type].schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
}
