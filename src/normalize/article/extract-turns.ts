import type { TurnText } from '../../core/turn-ids.js';
import type { Block } from './blocks.js';
import { ANSWER_LABEL, DASH_LEAD, INLINE_ANSWER, QUESTION_LABEL, SPEAKER_PREFIX } from './markers.js';
import { compareKey, endsWithQuestion, share, squeeze } from '../../content/text.js';

/** How the questions are told apart from the answers in the body. */
export type TurnShape = 'label' | 'speaker' | 'dash' | 'emphasis';

/** The question-and-answer structure found in a body. */
export interface TurnExtraction {
  shape: TurnShape;
  /** Index (into the blocks given) of the first question: the blocks before it are the intro. */
  start: number;
  turns: TurnText[];
  /** Share of the questions that end with a question mark. */
  questionShare: number;
  /** For speaker prefixes: the prefix that asks and the one that answers. */
  questioner?: string;
  answerer?: string;
}

/** A turn while it is being read: paragraphs of the question and of the answer. */
interface Draft {
  question: string[];
  answer: string[];
}

/** Order of preference when two shapes read the same number of turns: explicit markers first. */
const SHAPE_ORDER: TurnShape[] = ['label', 'speaker', 'dash', 'emphasis'];

function finish(shape: TurnShape, start: number, drafts: Draft[], extra: Partial<TurnExtraction> = {}): TurnExtraction | null {
  const turns = drafts
    .map((d) => ({
      question: d.question.map(squeeze).filter(Boolean).join('\n\n'),
      answer: d.answer.map(squeeze).filter(Boolean).join('\n\n'),
    }))
    .filter((t) => t.question !== '');
  if (turns.length < 2 || turns.filter((t) => t.answer !== '').length < 2) return null;
  return { shape, start, turns, questionShare: share(turns, (t) => endsWithQuestion(t.question)), ...extra };
}

/** `Q:` / `A:` labels, and the label words of every lexicon (`Question:` / `Answer:`, `Sual:` / `Cavab:`). */
function byLabels(blocks: readonly Block[]): TurnExtraction | null {
  const hasAnswerLabels = blocks.some((b) => ANSWER_LABEL.test(b.text));
  const drafts: Draft[] = [];
  let start = -1;
  let inQuestion = false;
  blocks.forEach((block, i) => {
    const current = drafts[drafts.length - 1];
    if (QUESTION_LABEL.test(block.text)) {
      if (start < 0) start = i;
      const rest = block.text.replace(QUESTION_LABEL, '');
      // "Q: …? A: …" in one paragraph.
      const inline = INLINE_ANSWER.exec(rest);
      drafts.push(inline ? { question: [inline[1]!], answer: [inline[2]!] } : { question: [rest], answer: [] });
      inQuestion = hasAnswerLabels && !inline;
    } else if (current && ANSWER_LABEL.test(block.text)) {
      current.answer.push(block.text.replace(ANSWER_LABEL, ''));
      inQuestion = false;
    } else if (current) {
      (inQuestion ? current.question : current.answer).push(block.text);
    }
  });
  return finish('label', start, drafts);
}

/** `News.Az: …` / `Trofimchuk: …`: two recurring speaker prefixes, one of which asks. */
function bySpeakers(blocks: readonly Block[]): TurnExtraction | null {
  const prefixOf = (block: Block): string | null => {
    if (QUESTION_LABEL.test(block.text) || ANSWER_LABEL.test(block.text)) return null;
    const match = SPEAKER_PREFIX.exec(block.text);
    return match ? squeeze(match[1]!) : null;
  };
  const stats = new Map<string, { name: string; blocks: Block[] }>();
  for (const block of blocks) {
    const prefix = prefixOf(block);
    if (!prefix) continue;
    const key = compareKey(prefix);
    const entry = stats.get(key) ?? { name: prefix, blocks: [] };
    entry.blocks.push(block);
    stats.set(key, entry);
  }
  const speakers = [...stats.values()].filter((s) => s.blocks.length >= 2);
  if (speakers.length < 2) return null;
  const asking = (s: { blocks: Block[] }): number => share(s.blocks, (b) => endsWithQuestion(b.text));
  speakers.sort((a, b) => asking(b) - asking(a) || b.blocks.length - a.blocks.length);
  const questioner = speakers[0]!;
  const answerer = speakers.slice(1).sort((a, b) => b.blocks.length - a.blocks.length)[0]!;
  if (asking(questioner) < 0.5 || asking(questioner) <= asking(answerer)) return null;

  const speakerKeys = new Set(speakers.map((s) => compareKey(s.name)));
  const drafts: Draft[] = [];
  let start = -1;
  let inQuestion = false;
  blocks.forEach((block, i) => {
    const prefix = prefixOf(block);
    const key = prefix ? compareKey(prefix) : '';
    const text = prefix && speakerKeys.has(key) ? block.text.replace(SPEAKER_PREFIX, '') : block.text;
    if (key === compareKey(questioner.name)) {
      if (start < 0) start = i;
      drafts.push({ question: [text], answer: [] });
      inQuestion = true;
    } else if (drafts.length > 0) {
      const current = drafts[drafts.length - 1]!;
      if (speakerKeys.has(key)) inQuestion = false;
      (inQuestion ? current.question : current.answer).push(text);
    }
  });
  return finish('speaker', start, drafts, { questioner: questioner.name, answerer: answerer.name });
}

/** Dash-led turns: the dash paragraphs alternate question, answer; plain paragraphs continue the answer. */
function byDashes(blocks: readonly Block[]): TurnExtraction | null {
  const drafts: Draft[] = [];
  let start = -1;
  let awaitingAnswer = false;
  blocks.forEach((block, i) => {
    const dashed = DASH_LEAD.test(block.text);
    if (start < 0 && !dashed) return;
    if (start < 0) start = i;
    const text = block.text.replace(DASH_LEAD, '');
    const current = drafts[drafts.length - 1];
    if (dashed && !awaitingAnswer) {
      drafts.push({ question: [text], answer: [] });
      awaitingAnswer = true;
    } else {
      current!.answer.push(text);
      awaitingAnswer = false;
    }
  });
  const result = finish('dash', start, drafts);
  return result && result.questionShare >= 0.6 ? result : null;
}

/** Questions set apart by emphasis: whole-bold paragraphs, headings, or a bold question opening its answer. */
function byEmphasis(blocks: readonly Block[]): TurnExtraction | null {
  const drafts: Draft[] = [];
  let start = -1;
  let lastWasQuestion = false;
  blocks.forEach((block, i) => {
    const leadQuestion = !block.bold && block.leadBold !== '' && endsWithQuestion(block.leadBold) && block.text.startsWith(block.leadBold);
    // A bold standfirst is intro, not a question: the first question is the first emphasized one that asks.
    if (start < 0 && !((block.bold && endsWithQuestion(block.text)) || leadQuestion)) return;
    if (block.bold || leadQuestion) {
      if (start < 0) start = i;
      const question = leadQuestion ? block.leadBold : block.text;
      const answer = leadQuestion ? [block.text.slice(block.leadBold.length)] : [];
      if (lastWasQuestion && !leadQuestion) drafts[drafts.length - 1]!.question.push(question);
      else drafts.push({ question: [question], answer });
      lastWasQuestion = !leadQuestion;
    } else if (drafts.length > 0) {
      drafts[drafts.length - 1]!.answer.push(block.text);
      lastWasQuestion = false;
    }
  });
  const cleaned = drafts.map((d) => ({
    question: d.question.map((q) => q.replace(QUESTION_LABEL, '').replace(DASH_LEAD, '')),
    answer: d.answer.map((a, i) => (i === 0 ? a.replace(ANSWER_LABEL, '').replace(DASH_LEAD, '') : a)),
  }));
  const result = finish('emphasis', start, cleaned);
  return result && result.questionShare >= 0.5 ? result : null;
}

/**
 * Reads the question-and-answer turns of a body (furniture already removed, pictures left out).
 * Every supported shape is tried; the one reading the most turns wins, explicit markers breaking ties.
 * Returns null when no shape yields at least two answered questions.
 */
export function extractTurns(blocks: readonly Block[]): TurnExtraction | null {
  const candidates = [byLabels(blocks), bySpeakers(blocks), byDashes(blocks), byEmphasis(blocks)].filter((c): c is TurnExtraction => c !== null);
  candidates.sort((a, b) => b.turns.length - a.turns.length || SHAPE_ORDER.indexOf(a.shape) - SHAPE_ORDER.indexOf(b.shape));
  return candidates[0] ?? null;
}
