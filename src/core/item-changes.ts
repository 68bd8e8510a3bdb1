/**
 * What changed between two versions of a story, as a JSON Patch (RFC 6902) that `item.updated` events carry in
 * `changes`. The patch applies to the story's keyed form ({@link keyedItem}): the item as it is, except that
 * `interview.qa` is an object of turns by turn id and `interview.qaOrder` lists the ids in order. So a path names
 * a turn by its id (`/interview/qa/t-3f2a…/answer`), never by a position that an inserted turn would shift: a
 * consumer that mirrors an interview answer by answer updates the one answer the path names. A consumer that
 * missed an update applies the event's full item instead. Pure.
 */
import jsonPatch from 'fast-json-patch';
import type { Interview, NormalizedItem, PatchOperation, QaTurn } from './item.js';

export type { PatchOperation };

/** A turn in the keyed form: its id is its key. */
export type KeyedTurn = Pick<QaTurn, 'question' | 'answer'>;

/** The interview in the keyed form. */
export type KeyedInterview = Omit<Interview, 'qa'> & { qa: Record<string, KeyedTurn>; qaOrder: string[] };

/** A story in the keyed form that `changes` patches apply to. */
export type KeyedItem = Omit<NormalizedItem, 'interview'> & { interview: KeyedInterview | null };

/** JSON values only (no `undefined` members), so that a patch and a JSON round trip agree. */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The keyed form of a story: `interview.qa` by turn id, `interview.qaOrder` the order. */
export function keyedItem(item: NormalizedItem): KeyedItem {
  const { interview, ...rest } = plain(item);
  if (!interview) return { ...rest, interview: null };
  const { qa, ...fields } = interview;
  const byId: Record<string, KeyedTurn> = {};
  for (const turn of qa) byId[turn.id] = { question: turn.question, answer: turn.answer };
  return { ...rest, interview: { ...fields, qa: byId, qaOrder: qa.map((turn) => turn.id) } };
}

/** The story a keyed form stands for (the inverse of {@link keyedItem}). */
export function unkeyedItem(keyed: KeyedItem): NormalizedItem {
  const { interview, ...rest } = keyed;
  if (!interview) return { ...rest, interview: null };
  const { qa, qaOrder, ...fields } = interview;
  return { ...rest, interview: { ...fields, qa: qaOrder.map((id) => ({ id, question: qa[id]!.question, answer: qa[id]!.answer })) } };
}

/**
 * The JSON Patch from one version of a story to the next, over their keyed forms: turns added, removed or
 * changed by id; a change of turn order replaces `interview.qaOrder` as a whole. Applying it to the previous
 * version's keyed form gives the next version's exactly (see {@link applyItemChanges}).
 */
export function itemChanges(previous: NormalizedItem, next: NormalizedItem): PatchOperation[] {
  const before = keyedItem(previous);
  const after = keyedItem(next);
  if (!before.interview || !after.interview) return jsonPatch.compare(before, after);
  const orderBefore = before.interview.qaOrder;
  const orderAfter = after.interview.qaOrder;
  // The order is compared on its own: an array diff by position would rewrite every id after an inserted turn.
  const withoutOrder = (keyed: KeyedItem) => ({ ...keyed, interview: { ...keyed.interview, qaOrder: [] } });
  const ops = jsonPatch.compare(withoutOrder(before), withoutOrder(after));
  const sameOrder = orderBefore.length === orderAfter.length && orderBefore.every((id, i) => orderAfter[i] === id);
  if (!sameOrder) ops.push({ op: 'replace', path: '/interview/qaOrder', value: orderAfter });
  return ops;
}

/** Applies `changes` to a version of a story and gives the next version (what a consumer of `item.updated` does). */
export function applyItemChanges(previous: NormalizedItem, changes: readonly PatchOperation[]): NormalizedItem {
  const keyed = keyedItem(previous);
  return unkeyedItem(jsonPatch.applyPatch(keyed, plain(changes as PatchOperation[]), true, true).newDocument);
}
