/**
 * Identity of an interview's question-and-answer turns. A turn's id is first derived from its question's words
 * (so the same interview read twice gives the same ids), then, when a story is edited, inherited from the turn of
 * the previous version it corresponds to: a reworded question or answer keeps its id, so consumers that mirror
 * an interview answer by answer can apply a change to the one answer it touched. Pure.
 */
import { createHash } from 'node:crypto';
import type { QaTurn, TurnDiff } from './item.js';

/** A turn's text before it has an id. */
export type TurnText = Pick<QaTurn, 'question' | 'answer'>;

/** A run of letters and digits. */
const WORD_RUN = /[\p{L}\p{N}]+/gu;

/** Lower-case words of a text, without punctuation or typography: what a turn's identity is read from. */
export function turnWords(text: string): string[] {
  // toLowerCase is the root locale's lower case (toLocaleLowerCase('und')), without the locale lookup; the runs of
  // letters and digits are the pieces a split at everything else leaves, without the empty ones.
  return text.normalize('NFKC').toLowerCase().match(WORD_RUN) ?? [];
}

function digestId(text: string): string {
  return `t-${createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 10)}`;
}

/** The id a turn gets from its own words: of its question, or of its answer when it has no question. */
export function contentTurnId(turn: TurnText): string {
  const words = turnWords(turn.question);
  return digestId(words.length ? `q ${words.join(' ')}` : `a ${turnWords(turn.answer).join(' ')}`);
}

/** An id not in `taken`: the base, else the base with the first free `-2`, `-3`… (a question asked twice). */
function freeId(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** Gives each turn its content id, in order; a repeated question gets a numbered one. */
export function assignTurnIds(turns: readonly TurnText[]): QaTurn[] {
  const taken = new Set<string>();
  return turns.map((turn) => {
    const id = freeId(contentTurnId(turn), taken);
    taken.add(id);
    return { id, question: turn.question, answer: turn.answer };
  });
}

/** Jaccard similarity of two word lists as sets; 0 when both are empty. */
function wordJaccard(a: readonly string[], b: readonly string[]): number {
  if (a.length === 0 && b.length === 0) return 0;
  const left = new Set(a);
  const right = new Set(b);
  let shared = 0;
  for (const word of left) if (right.has(word)) shared++;
  return shared / (left.size + right.size - shared);
}

/**
 * How alike two turns are: the word overlap of their questions and of their answers, 0 to 1 each. A turn whose
 * question was corrected keeps its answer, and the reverse; a turn whose both sides were rewritten is a new turn.
 */
export function turnSimilarity(a: TurnText, b: TurnText): { question: number; answer: number } {
  return { question: wordJaccard(turnWords(a.question), turnWords(b.question)), answer: wordJaccard(turnWords(a.answer), turnWords(b.answer)) };
}

/** Two turns below this similarity are different turns, whatever their positions. */
export const SAME_TURN_SIMILARITY = 0.5;

/**
 * The turns of a new version of an interview with the ids of the previous version carried over: a turn keeps
 * the id of the previous turn it corresponds to (the same question asked once in each, else the turn whose
 * question or answer overlaps at least {@link SAME_TURN_SIMILARITY}, pairs taken by question and answer overlap
 * together, best first, a tie going to the nearer position); every other turn
 * gets its content id, numbered if an inherited id already holds it. `previous` empty: plain content ids.
 */
export function carryTurnIds(previous: readonly QaTurn[], next: readonly TurnText[]): QaTurn[] {
  const ids: Array<string | null> = next.map(() => null);
  const usedPrevious = new Set<number>();
  // 1. A question asked once in each version, in the same words, is the same turn whatever its answer became.
  const questionKey = (turn: TurnText) => turnWords(turn.question).join(' ');
  const counts = (turns: readonly TurnText[]) => {
    const count = new Map<string, number>();
    for (const turn of turns) count.set(questionKey(turn), (count.get(questionKey(turn)) ?? 0) + 1);
    return count;
  };
  const previousCounts = counts(previous);
  const nextCounts = counts(next);
  next.forEach((turn, j) => {
    const key = questionKey(turn);
    if (!key || previousCounts.get(key) !== 1 || nextCounts.get(key) !== 1) return;
    const i = previous.findIndex((old) => questionKey(old) === key);
    ids[j] = previous[i]!.id;
    usedPrevious.add(i);
  });
  // 2. The rest by similarity (a repeated question is told apart by its answer), best pair first.
  const pairs: Array<{ i: number; j: number; score: number }> = [];
  next.forEach((turn, j) => {
    if (ids[j] !== null) return;
    previous.forEach((old, i) => {
      if (usedPrevious.has(i)) return;
      const { question, answer } = turnSimilarity(old, turn);
      if (Math.max(question, answer) >= SAME_TURN_SIMILARITY) pairs.push({ i, j, score: question + answer });
    });
  });
  pairs.sort((a, b) => b.score - a.score || Math.abs(a.i - a.j) - Math.abs(b.i - b.j) || a.j - b.j);
  for (const { i, j } of pairs) {
    if (ids[j] !== null || usedPrevious.has(i)) continue;
    ids[j] = previous[i]!.id;
    usedPrevious.add(i);
  }
  // 3. New turns: their content id, kept apart from every id still in use (a removed turn's id is not reused).
  const taken = new Set<string>([...previous.map((turn) => turn.id), ...ids.filter((id): id is string => id !== null)]);
  return next.map((turn, j) => {
    let id = ids[j];
    if (id === null || id === undefined) {
      id = freeId(contentTurnId(turn), taken);
      taken.add(id);
    }
    return { id, question: turn.question, answer: turn.answer };
  });
}

/**
 * How another outlet's version of an interview differs from the first publication's, by turn id: turns it cut,
 * turns only it has, and turns both carry in other words (typography aside). Compact: ids only.
 */
export function turnDiff(first: readonly QaTurn[], other: readonly TurnText[]): TurnDiff {
  const carried = carryTurnIds(first, other);
  const firstIds = new Set(first.map((turn) => turn.id));
  const otherIds = new Set(carried.map((turn) => turn.id));
  const text = (turn: TurnText) => `${turnWords(turn.question).join(' ')}\u0000${turnWords(turn.answer).join(' ')}`;
  const byId = new Map(first.map((turn) => [turn.id, text(turn)]));
  return {
    cut: first.filter((turn) => !otherIds.has(turn.id)).map((turn) => turn.id),
    added: carried.filter((turn) => !firstIds.has(turn.id)).map((turn) => turn.id),
    reworded: carried.filter((turn) => firstIds.has(turn.id) && byId.get(turn.id) !== text(turn)).map((turn) => turn.id),
  };
}
