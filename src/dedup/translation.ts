/**
 * One interview in several languages: the evidence that crosses languages, read from a normalized interview, and
 * the decision whether two interviews in different languages are one interview translated. Word overlap says
 * nothing across languages, so the evidence is what a translation keeps: the interviewee (person keys across
 * scripts), the date, the number and order of turns, and inside each turn the numbers, the names and the relative
 * length of the answers. Precision first: every test must pass. Pure.
 */
import type { NormalizedItem } from '../core/item.js';
import { ascii, readPersonName, skeleton } from '../people/person-key.js';

/** What a translation keeps of an interview, turn by turn. */
export interface TranslationSignature {
  storyId: string;
  language: string;
  /** Epoch ms of publication. */
  at: number;
  /** The interviewee's person keys (src/people/person-key.ts). */
  personKeys: string[];
  turns: Array<{
    /** Numbers in the question and answer, as written with a dot for decimals, sorted. */
    numbers: string[];
    /** Name skeleton prefixes (capitalised words inside sentences), sorted and unique. */
    names: string[];
    /** Letters in the answer. */
    length: number;
  }>;
}

/** The tests' limits. */
export const TRANSLATION_RULES = {
  /** The two publications at most this far apart. */
  windowMs: 3 * 24 * 3600_000,
  /** Fewer turns than this says too little. */
  minTurns: 3,
  /** Turns one version may have more than the other (a turn cut by an outlet) ... */
  maxTurnsCut: 1,
  /** ... when the shorter version still has this many. */
  minTurnsForCut: 4,
  /** Share of turn pairs whose numbers agree (both none counts when names agree instead). */
  minTurnAgreement: 0.8,
  /** At least this many numbers and names in all, so that agreement is not by emptiness. */
  minAnchors: 3,
  /** Pearson correlation of the answers' lengths, turn by turn. */
  minLengthCorrelation: 0.7,
} as const;

/**
 * A number as written: a whole number grouped by thousands in any language's way (`5,100`, `5 100`, `5.100`, with a
 * no-break or thin space too) is read whole; else digits with an optional decimal part (`4.8`, `4,8`).
 */
const NUMBER = /\d{1,3}(?:[\u00a0\u202f ,.]\d{3})+(?![\d]|[.,]\d)|\d+(?:[.,]\d+)?/gu;
/** The separators of a grouped whole number. */
const GROUPED = /^\d{1,3}(?:[\u00a0\u202f ,.]\d{3})+$/u;
/** A capitalised word that is not the first of its sentence. */
const INNER_NAME = /(?<=[\p{Ll},;:\d»"”)]\s{1,4}|[\p{Ll}]\s{1,4}[«"“(])\p{Lu}[\p{L}'’-]{2,}/gu;

function numbersOf(text: string): string[] {
  return (text.match(NUMBER) ?? []).map((n) => (GROUPED.test(n) ? n.replace(/\D/gu, '') : n.replace(',', '.')).replace(/^0+(?=\d)/, '')).sort();
}

function namesOf(text: string, language: string): string[] {
  const names = new Set<string>();
  for (const word of text.match(INNER_NAME) ?? []) {
    const code = /\p{Script=Cyrillic}/u.test(word) ? 'ru' : language;
    // Four letters of the skeleton: the stem a declension or a possessive ending leaves alone (Путина, Putin's).
    const stem = skeleton(ascii(word, code)).slice(0, 4);
    if (stem.length === 4) names.add(stem);
  }
  return [...names].sort();
}

/** The evidence of an interview, or null when it is no interview with a named interviewee in a known language. */
export function translationSignature(item: NormalizedItem): TranslationSignature | null {
  const who = item.interview?.interviewee;
  if (!item.interview || !who || !item.language) return null;
  const personKeys = readPersonName(who.name, item.language).keys;
  if (personKeys.length === 0) return null;
  const language = item.language;
  return {
    storyId: item.id,
    language,
    at: Date.parse(item.publishedAt),
    personKeys,
    turns: item.interview.qa.map((turn) => ({
      numbers: numbersOf(`${turn.question}\n${turn.answer}`),
      names: namesOf(`${turn.question}\n${turn.answer}`, language),
      length: turn.answer.replace(/[^\p{L}]/gu, '').length,
    })),
  };
}

/** How many members two sorted lists share, repeats counted as often as both have them. */
function sharedCount(a: readonly string[], b: readonly string[]): number {
  const left = new Map<string, number>();
  for (const x of a) left.set(x, (left.get(x) ?? 0) + 1);
  let shared = 0;
  for (const y of b) {
    const n = left.get(y) ?? 0;
    if (n > 0) {
      shared++;
      left.set(y, n - 1);
    }
  }
  return shared;
}

/**
 * A turn's figures agree: the same numbers, or all but one of them when at least two are shared (a translator wrote
 * one figure out in words, or added the year the original left implicit).
 */
function numbersAgree(a: readonly string[], b: readonly string[]): boolean {
  const shared = sharedCount(a, b);
  if (shared === a.length && shared === b.length) return true;
  return shared >= 2 && Math.max(a.length, b.length) - shared <= 1;
}

function overlap(a: readonly string[], b: readonly string[]): number {
  const right = new Set(b);
  return a.filter((x) => right.has(x)).length;
}

function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / n;
  const mx = mean(xs);
  const my = mean(ys);
  let num = 0;
  let dx = 0;
  let dy = 0;
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my);
    dx += (xs[i]! - mx) ** 2;
    dy += (ys[i]! - my) ** 2;
  }
  // Answers all of one length: the profile says nothing either way.
  if (dx === 0 || dy === 0) return 1;
  return num / Math.sqrt(dx * dy);
}

/** Why two interviews are, or are not, one interview in two languages (the first test that failed, or `match`). */
export type TranslationVerdict =
  'match' | 'same-language' | 'other-person' | 'far-apart' | 'turn-count' | 'too-few-turns' | 'turns-disagree' | 'too-few-anchors' | 'length-profile';

/** Decides whether `b` is `a` in another language. Every test must pass. */
export function compareTranslations(a: TranslationSignature, b: TranslationSignature, rules = TRANSLATION_RULES): TranslationVerdict {
  if (a.language === b.language) return 'same-language';
  if (!a.personKeys.some((key) => b.personKeys.includes(key))) return 'other-person';
  if (Math.abs(a.at - b.at) > rules.windowMs) return 'far-apart';
  const shorter = Math.min(a.turns.length, b.turns.length);
  // One outlet may cut a turn of a long interview (or add one): one turn more or less, once there are enough turns.
  if (a.turns.length !== b.turns.length && (Math.abs(a.turns.length - b.turns.length) > rules.maxTurnsCut || shorter < rules.minTurnsForCut))
    return 'turn-count';
  if (shorter < rules.minTurns) return 'too-few-turns';
  const pairs = alignTurns(a.turns, b.turns);
  if (pairs.agree / shorter < rules.minTurnAgreement) return 'turns-disagree';
  if (pairs.anchors < rules.minAnchors) return 'too-few-anchors';
  if (
    pearson(
      pairs.pairs.map(([x]) => x.length),
      pairs.pairs.map(([, y]) => y.length),
    ) < rules.minLengthCorrelation
  )
    return 'length-profile';
  return 'match';
}

type Turn = TranslationSignature['turns'][number];

/** Whether two turns agree: their numbers do, and, without numbers, they share a name or both have none. */
function turnAgreement(x: Turn, y: Turn): { agrees: boolean; anchors: number } {
  const sharedNames = overlap(x.names, y.names);
  const agrees = numbersAgree(x.numbers, y.numbers) && (x.numbers.length > 0 || sharedNames > 0 || (x.names.length === 0 && y.names.length === 0));
  return { agrees, anchors: Math.min(x.numbers.length, y.numbers.length) + sharedNames };
}

/**
 * The turns of two versions paired in order: position by position when they have as many, else with the one turn
 * the longer has beyond the shorter left out where that makes the most pairs agree. Turn order is never changed.
 */
function alignTurns(a: readonly Turn[], b: readonly Turn[]): { pairs: Array<[Turn, Turn]>; agree: number; anchors: number } {
  const score = (pairs: Array<[Turn, Turn]>) => {
    let agree = 0;
    let anchors = 0;
    for (const [x, y] of pairs) {
      const turn = turnAgreement(x, y);
      if (turn.agrees) agree++;
      anchors += turn.anchors;
    }
    return { pairs, agree, anchors };
  };
  if (a.length === b.length) return score(a.map((x, i) => [x, b[i]!]));
  const [long, short, flip] = a.length > b.length ? [a, b, false] : [b, a, true];
  let best: ReturnType<typeof score> | null = null;
  for (let cut = 0; cut < long.length; cut++) {
    const kept = long.filter((_, i) => i !== cut);
    const candidate = score(short.map((y, i) => (flip ? [y, kept[i]!] : [kept[i]!, y])));
    if (!best || candidate.agree > best.agree) best = candidate;
  }
  return best!;
}
