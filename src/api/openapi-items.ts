/**
 * JSON Schemas (OpenAPI 3.1 components) of what the API, the feeds' `_interview` extension and webhook events carry
 * about a story beyond the contract's first fields: turn ids, the interviewee's person id, translations, and the
 * `changes` of `item.updated` (see src/core/item-changes.ts). Referenced as `#/components/schemas/<name>`.
 */

const sourceRef = {
  type: 'object',
  required: ['id', 'name', 'url', 'itemUrl'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    url: { type: 'string' },
    itemUrl: { type: 'string' },
    publishedAt: { type: 'string', format: 'date-time', description: 'when this outlet published it' },
    turns: {
      type: 'object',
      description: "an outlet after the first publication: the turns (ids) its version cut, added or reworded against the first publication's",
      properties: {
        cut: { type: 'array', items: { type: 'string' } },
        added: { type: 'array', items: { type: 'string' } },
        reworded: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

export const ITEM_SCHEMAS = {
  QaTurn: {
    type: 'object',
    required: ['id', 'question', 'answer'],
    properties: {
      id: { type: 'string', description: 'stable across edits of the story: `item.updated` changes name the turn by it' },
      question: { type: 'string' },
      answer: { type: 'string', description: 'paragraphs separated by a blank line' },
    },
  },
  Interview: {
    type: 'object',
    required: ['interviewee', 'interviewer', 'headline', 'intro', 'qa'],
    properties: {
      interviewee: {
        type: ['object', 'null'],
        required: ['name'],
        properties: {
          name: { type: 'string' },
          role: { type: 'string' },
          personId: { type: 'string', description: 'the person across scripts and spellings (`/api/v1/people/{id}`); absent when the name alone cannot tell' },
        },
      },
      interviewer: { type: ['string', 'null'] },
      headline: { type: 'string' },
      intro: { type: 'string' },
      qa: { type: 'array', items: { $ref: '#/components/schemas/QaTurn' } },
    },
  },
  Translation: {
    type: 'object',
    required: ['language', 'url', 'source', 'title'],
    description: 'the same interview published in another language; its outlet is not in `sources`',
    properties: { language: { type: ['string', 'null'] }, url: { type: 'string' }, source: sourceRef, title: { type: 'string' } },
  },
  Item: {
    type: 'object',
    description: 'a normalized story (shared/contract.md): what `/api/v1/items` answers and the `data` of every webhook event',
    required: [
      'id',
      'url',
      'title',
      'kind',
      'language',
      'publishedAt',
      'updatedAt',
      'summary',
      'contentHtml',
      'contentText',
      'source',
      'sources',
      'images',
      'interview',
    ],
    properties: {
      id: { type: 'string' },
      url: { type: 'string' },
      title: { type: 'string' },
      kind: { enum: ['interview', 'article'] },
      language: { type: ['string', 'null'] },
      publishedAt: { type: 'string', format: 'date-time' },
      updatedAt: { type: 'string', format: 'date-time' },
      summary: { type: 'string' },
      contentHtml: { type: 'string' },
      contentText: { type: 'string' },
      source: sourceRef,
      sources: { type: 'array', items: sourceRef },
      images: {
        type: 'array',
        items: { type: 'object', required: ['url'], properties: { url: { type: 'string' }, caption: { type: 'string' }, credit: { type: 'string' } } },
      },
      interview: { oneOf: [{ $ref: '#/components/schemas/Interview' }, { type: 'null' }] },
      tags: { type: 'array', items: { type: 'string' } },
      author: { type: ['string', 'null'] },
      translations: { type: 'array', items: { $ref: '#/components/schemas/Translation' } },
      firstSource: { type: 'string', description: 'id of the outlet that published first (earliest publishedAt among sources)' },
    },
  },
  ItemChanges: {
    type: 'array',
    description:
      'JSON Patch (RFC 6902) from the previous version of the story to this one, over its keyed form: the item with `interview.qa` as an object of turns by turn id and `interview.qaOrder` the ids in order, so paths name turns by id (`/interview/qa/t-3f2a…/answer`). Carried by `item.updated`; the full item is in `data`.',
    items: {
      type: 'object',
      required: ['op', 'path'],
      properties: { op: { enum: ['add', 'remove', 'replace', 'move', 'copy', 'test'] }, path: { type: 'string' }, from: { type: 'string' }, value: {} },
    },
  },
} as const;
