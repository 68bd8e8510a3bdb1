/**
 * Language of a text from its script and a few frequent words, by the signatures of the known languages
 * (`../lexicon/`: the read ones and those only recognized, such as de, fr, es, uk, kk). A declared language always
 * wins over this guess.
 */
import { SIGNATURES, type LanguageSignature } from '../lexicon/index.js';

/** The scripts of the known languages, in registry order (the first one holding half the letters is the text's). */
const SCRIPTS = [...new Set(SIGNATURES.map((signature) => signature.script))];
/** The languages with letters of their own, in registry order (which decides when two could claim a text). */
const OWN_LETTERS = SIGNATURES.filter((signature) => signature.ownLetters);

/**
 * The character classes counted by {@link detectLanguage}, in this order: letters, each script, each language's
 * own letters. Bit `i` of a code point's flags stands for pattern `i`.
 */
const CLASS_PATTERNS = [
  /\p{L}/u,
  ...SCRIPTS.map((script) => new RegExp(`\\p{Script=${script}}`, 'u')),
  ...OWN_LETTERS.map((signature) => new RegExp(`[${signature.ownLetters!.letters}]`, 'iu')),
];
const scriptIndex = (script: string): number => 1 + SCRIPTS.indexOf(script);
const ownLettersIndex = (signature: LanguageSignature): number => 1 + SCRIPTS.length + OWN_LETTERS.indexOf(signature);
/** Flags of an ASCII letter: a letter, of the Latin script. */
const ASCII_LETTER = 1 | (1 << scriptIndex('Latin'));

/** Each stopword with the signatures listing it. */
const STOPWORD_LANGUAGES = new Map<string, LanguageSignature[]>();
for (const signature of SIGNATURES) {
  for (const word of signature.stopwords) STOPWORD_LANGUAGES.set(word, [...(STOPWORD_LANGUAGES.get(word) ?? []), signature]);
}

/** Flags of a code point, computed with the very patterns they stand for; memoized (texts reuse few characters). */
const flagCache = new Map<number, number>();
function flagsOf(codePoint: number): number {
  let flags = flagCache.get(codePoint);
  if (flags === undefined) {
    const ch = String.fromCodePoint(codePoint);
    flags = CLASS_PATTERNS.reduce((acc, re, bit) => (re.test(ch) ? acc | (1 << bit) : acc), 0);
    if (flagCache.size < 65_536) flagCache.set(codePoint, flags);
  }
  return flags;
}

/** How many letters of each class of {@link CLASS_PATTERNS} the text holds. */
function countClasses(text: string): number[] {
  // One pass over the code points (as the `u` patterns see them) instead of one regular-expression scan per class.
  const counts = CLASS_PATTERNS.map(() => 0);
  for (let i = 0; i < text.length; i += 1) {
    let code = text.charCodeAt(i);
    let flags: number;
    if (code < 0x80) {
      // ASCII: only a-z and A-Z are letters, all of them Latin.
      flags = (code | 0x20) >= 0x61 && (code | 0x20) <= 0x7a ? ASCII_LETTER : 0;
    } else {
      if (code >= 0xd800 && code <= 0xdbff && i + 1 < text.length) {
        const low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low <= 0xdfff) {
          code = (code - 0xd800) * 0x400 + (low - 0xdc00) + 0x10000;
          i += 1;
        }
      }
      flags = flagsOf(code);
    }
    for (let bit = 0; flags !== 0; bit += 1, flags >>= 1) if (flags & 1) counts[bit]! += 1;
  }
  return counts;
}

/** The language of the script's texts whose frequent words score highest (at least two); null when none does. */
function byStopwords(text: string, script: string): string | null {
  const scores = new Map<LanguageSignature, number>();
  for (const match of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    for (const signature of STOPWORD_LANGUAGES.get(match[0]) ?? []) {
      if (signature.script === script) scores.set(signature, (scores.get(signature) ?? 0) + 1);
    }
  }
  let best: LanguageSignature | null = null;
  let bestScore = 0;
  // Registry order breaks ties: the first language listed wins.
  for (const signature of SIGNATURES) {
    const score = scores.get(signature) ?? 0;
    if (score > bestScore) {
      best = signature;
      bestScore = score;
    }
  }
  if (!best || bestScore < 2) return null;
  // A language with letters of its own that scores without them is the one it is taken for (Azerbaijani → Turkish).
  return best.ownLetters?.withoutThemRead ?? best.code;
}

/**
 * Guesses the language of a text; null when there is too little text to tell. The script holding at least half the
 * letters comes first; within it, a language's own letters decide (the schwa: Azerbaijani; і, ї: Ukrainian), then
 * the frequent short words, then the script's default language (Cyrillic: Russian).
 */
export function detectLanguage(text: string): string | null {
  const counts = countClasses(text);
  const letters = counts[0]!;
  if (letters < 20) return null;
  const script = SCRIPTS.find((s) => counts[scriptIndex(s)]! / letters >= 0.5);
  if (script === undefined) return null;
  const scriptLetters = counts[scriptIndex(script)]!;
  const own = OWN_LETTERS.find((s) => s.script === script && counts[ownLettersIndex(s)]! / scriptLetters > s.ownLetters!.minShare);
  if (own) return own.code;
  return byStopwords(text, script) ?? SIGNATURES.find((s) => s.script === script && s.scriptDefault)?.code ?? null;
}
