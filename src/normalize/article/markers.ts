/**
 * The markers that open a question or an answer, shared by the block splitter (which must not glue a
 * `Q:` line to the line before it) and by the turn extractor.
 */
import { alternation, capitalised, entries } from '../lexicon/compile.js';
import { LEXICONS, type Lexicon } from '../lexicon/index.js';

/** A dash that opens a turn: en or em dash (space optional), or a hyphen followed by a space. */
export const DASH_LEAD = /^(?:[\u2013\u2014\u2015]\s*|-\s+)(?=\S)/;

/**
 * A label opening a question or an answer: a letter (`Q:`, `В:`, case-sensitive) or a word (`Question:`, `Вопрос.`,
 * lower case, capitalised or upper case) of any lexicon, optionally in markdown bold.
 */
function labelPattern(letters: (lexicon: Lexicon) => readonly string[], words: (lexicon: Lexicon) => readonly string[]): RegExp {
  const wordForms = LEXICONS.flatMap((lexicon) => words(lexicon).flatMap((word) => [...capitalised(word, lexicon.code), word.toLocaleUpperCase(lexicon.code)]));
  return new RegExp(
    `^(?:\\*\\*)?(?:${alternation(entries(letters))}\\s*[:\\uff1a]|${alternation(wordForms)}\\s*[:\\uff1a.\\u2013\\u2014])(?:\\*\\*)?\\s*`,
    'u',
  );
}

/** `Q:` / `Question:` and their forms in every lexicon (`Вопрос:`, `Sual:`, `Soru:`). */
export const QUESTION_LABEL = labelPattern(
  (lexicon) => lexicon.turns.questionLetters,
  (lexicon) => lexicon.turns.questionWords,
);

/** `A:` / `Answer:` and their forms in every lexicon (`О:`, `Ответ:`, `C:`, `Cavab:`, `Cevap:`). */
export const ANSWER_LABEL = labelPattern(
  (lexicon) => lexicon.turns.answerLetters,
  (lexicon) => lexicon.turns.answerWords,
);

/**
 * An answer label inside a question's paragraph ("Q: …? A: …"): a letter or a capitalised word, then a colon.
 * Group 1 is the question, group 2 the answer.
 */
export const INLINE_ANSWER = new RegExp(
  `^(.*?[?\\uff1f])\\s+${alternation([
    ...entries((lexicon) => lexicon.turns.answerLetters),
    ...LEXICONS.flatMap((lexicon) => lexicon.turns.answerWords.map((word) => capitalised(word, lexicon.code)[1]!)),
  ])}\\s*[:\\uff1a]\\s*(\\S.*)$`,
  'su',
);

/**
 * A speaker prefix such as `News.Az:` or `Grigory Trofimchuk:`: one to four capitalised tokens, then a colon.
 * Whether a prefix really names a speaker is decided by the turn extractor (it must recur).
 */
export const SPEAKER_PREFIX = /^((?:\p{Lu}[\p{L}\p{M}\p{N}.'\u2019&-]*)(?:\s+\p{Lu}[\p{L}\p{M}\p{N}.'\u2019&-]*){0,3})\s*[:\uff1a]\s+(?=\S)/u;

/** True when a line opens with any turn marker; such a line always starts a block of its own. */
export function startsLikeTurn(text: string): boolean {
  return DASH_LEAD.test(text) || QUESTION_LABEL.test(text) || ANSWER_LABEL.test(text) || SPEAKER_PREFIX.test(text);
}
