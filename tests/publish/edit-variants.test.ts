import { describe, expect, it } from 'vitest';
import jsonPatch from 'fast-json-patch';
import { applyItemChanges, itemChanges, keyedItem } from '../../src/core/item-changes.js';
import type { NormalizedItem } from '../../src/core/item.js';
import { safeItem } from '../../src/core/safe-item.js';
import { assignTurnIds, carryTurnIds } from '../../src/core/turn-ids.js';
import { normalizeEntry } from '../../src/normalize/normalize-entry.js';
import { editedVersion } from '../../src/publish/publish-processor.js';
import { EDIT_VARIANTS, type Turn } from './edit-variants.js';

/**
 * Turn diffs on labelled edit variants: each variant is an interview and an edit of it, with the operations the
 * edit must give, labelled by hand by turn (position in the old or new version) and field. Both versions go
 * through the normalizer as a feed entry would; the publish stage's edit (ids carried over) and patch follow.
 */

function body(intro: string, turns: Turn[]): string {
  return [intro, ...turns.flatMap(([q, a]) => [`– ${q}`, `– ${a}`])].join('\n\n');
}

function normalized(title: string, intro: string, turns: Turn[]): NormalizedItem {
  const entry = {
    guid: 'edit-variant',
    link: 'https://news.example/interview',
    title,
    publishedAt: '2025-06-10T09:00:00Z',
    updatedAt: null,
    author: null,
    summary: null,
    contentHtml: body(intro, turns),
    categories: [],
    imageUrl: null,
    language: 'en',
  };
  return normalizeEntry(entry, { id: 'news', name: 'News', homepage: 'https://news.example/' }, '2025-06-10T09:05:00Z');
}

describe('turn diffs on the labelled edit variants', () => {
  it.each(EDIT_VARIANTS.map((variant) => [variant.name, variant] as const))('%s', (_name, variant) => {
    const before = normalized(variant.title, variant.intro, variant.before);
    const afterEdit = normalized(variant.editedTitle ?? variant.title, variant.intro, variant.after);
    expect(before.interview?.qa.map((t) => t.question)).toEqual(variant.before.map(([q]) => q));
    expect(afterEdit.interview?.qa.map((t) => t.question)).toEqual(variant.after.map(([q]) => q));

    const after = editedVersion(before, afterEdit);
    const oldIds = before.interview!.qa.map((t) => t.id);
    const newIds = after.interview!.qa.map((t) => t.id);
    // Turns labelled as the same keep their id; new ones get ids no old turn had.
    for (const [oldIndex, newIndex] of variant.same) expect(newIds[newIndex], `turn ${oldIndex} → ${newIndex}`).toBe(oldIds[oldIndex]);
    for (const newIndex of variant.added) expect(oldIds).not.toContain(newIds[newIndex]);

    const changes = itemChanges(safeItem(before), safeItem(after));
    const paths = (ops: typeof changes) => ops.map((op) => `${op.op} ${op.path}`).sort();
    const expected = variant.ops.map(({ op, turn, field, path }) => {
      if (path) return `${op} ${path}`;
      const id = op === 'add' ? newIds[turn!] : oldIds[turn!];
      return `${op} /interview/qa/${id}${field ? `/${field}` : ''}`;
    });
    expect(paths(changes)).toEqual(expected.sort());
    // Exact: the patch takes the previous version to the next one, and only through RFC 6902 operations.
    expect(jsonPatch.validate(changes, keyedItem(safeItem(before)))).toBeUndefined();
    expect(applyItemChanges(safeItem(before), changes)).toEqual(safeItem(after));
  });

  it('ids stay the same across reads of the same text, and across a chain of edits', () => {
    const variant = EDIT_VARIANTS[0]!;
    expect(normalized(variant.title, variant.intro, variant.before).interview!.qa).toEqual(
      normalized(variant.title, variant.intro, variant.before).interview!.qa,
    );
    const first = assignTurnIds(variant.before.map(([question, answer]) => ({ question, answer })));
    // Reword turn 1's answer, then its question: two edits, one id throughout.
    const once = carryTurnIds(
      first,
      variant.before.map(([question, answer], i) => ({ question, answer: i === 1 ? `${answer} Indeed.` : answer })),
    );
    const twice = carryTurnIds(
      once,
      once.map((t, i) => ({ question: i === 1 ? t.question.replace(/\?$/, ' today?') : t.question, answer: t.answer })),
    );
    expect(twice.map((t) => t.id)).toEqual(first.map((t) => t.id));
  });

  it('the same question asked twice gets two ids; a removed turn never lends its id to a new one', () => {
    const turns = assignTurnIds([
      { question: 'Why?', answer: 'Because of the summit.' },
      { question: 'Why?', answer: 'Because of the gas prices.' },
    ]);
    expect(new Set(turns.map((t) => t.id)).size).toBe(2);
    const next = carryTurnIds(turns, [{ question: 'Why?', answer: 'Because of the gas prices.' }]);
    expect(next[0]!.id).toBe(turns[1]!.id);
  });
});
