/**
 * Language of a text from its script and a few frequent words. Enough to tell the region's languages
 * apart (en, ru, uk, kk, az, tr, de, fr, es); a declared language always wins over this guess.
 */

/** Frequent short words per Latin-script language; whole-word matches are counted. */
const STOPWORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'in', 'is', 'that', 'it', 'for', 'with', 'was', 'this', 'are', 'be'],
  tr: ['ve', 'bir', 'bu', 'için', 'ile', 'da', 'de', 'çok', 'olarak', 'daha', 'ama', 'gibi', 'değil'],
  az: ['və', 'bir', 'bu', 'üçün', 'ilə', 'da', 'də', 'çox', 'olaraq', 'daha', 'amma', 'kimi', 'deyil', 'ki'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'den', 'ein', 'eine', 'auch', 'sich'],
  fr: ['le', 'la', 'les', 'et', 'des', 'est', 'une', 'pour', 'dans', 'pas', 'qui', 'que', 'sur'],
  es: ['el', 'los', 'las', 'y', 'es', 'una', 'para', 'por', 'con', 'que', 'del', 'se', 'no'],
};

/** Each stopword with the indexes (into {@link LANGUAGES}) of the languages listing it. */
const LANGUAGES = Object.keys(STOPWORDS);
const STOPWORD_LANGUAGES = new Map<string, number[]>();
LANGUAGES.forEach((language, index) => {
  for (const word of STOPWORDS[language]!) STOPWORD_LANGUAGES.set(word, [...(STOPWORD_LANGUAGES.get(word) ?? []), index]);
});

/**
 * The character classes counted by {@link detectLanguage}, in this order: letters, Cyrillic, Latin, the Kazakh
 * and the Ukrainian letters, the schwa. Bit `i` of a code point's flags stands for pattern `i`.
 */
const CLASS_PATTERNS = [/\p{L}/u, /\p{Script=Cyrillic}/u, /\p{Script=Latin}/u, /[әғқңөұүһ]/iu, /[іїєґ]/iu, /[əƏ]/u];
/** Flags of an ASCII letter: a letter, Latin. */
const ASCII_LETTER = 0b101;

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

/** Guesses the language of a text; null when there is too little text to tell. */
export function detectLanguage(text: string): string | null {
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
  const [letters = 0, cyrillic = 0, latin = 0, kazakh = 0, ukrainian = 0, schwa = 0] = counts;
  if (letters < 20) return null;
  if (cyrillic / letters > 0.5) {
    if (kazakh / cyrillic > 0.01) return 'kk';
    if (ukrainian / cyrillic > 0.005) return 'uk';
    return 'ru';
  }
  if (latin / letters < 0.5) return null;
  // The schwa is Azerbaijani's own letter; dotless ı and ğ without it point to Turkish.
  if (schwa / latin > 0.005) return 'az';
  const scores = new Array<number>(LANGUAGES.length).fill(0);
  for (const match of text.toLowerCase().matchAll(/\p{L}+/gu)) {
    const languages = STOPWORD_LANGUAGES.get(match[0]);
    if (languages) for (const index of languages) scores[index]! += 1;
  }
  let best: string | null = null;
  let bestScore = 0;
  LANGUAGES.forEach((language, index) => {
    if (scores[index]! > bestScore) {
      best = language;
      bestScore = scores[index]!;
    }
  });
  if (bestScore < 2) return null;
  // Azerbaijani words without a single schwa are Turkish: the two share most short words.
  return best === 'az' ? 'tr' : best;
}
