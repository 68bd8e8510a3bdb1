/**
 * Language of a text from its script and a few frequent words. Enough to tell the region's languages
 * apart (en, ru, uk, kk, az, tr, de, fr, es); a declared language always wins over this guess.
 */

/** Reduces a declared tag (`en-US`, `az_Latn_AZ`, `RU`) to its ISO 639-1 code; null when it is not one. */
export function normalizeLanguageTag(tag: string | null | undefined): string | null {
  const code = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2}$/.test(code) ? code : null;
}

/** Frequent short words per Latin-script language; whole-word matches are counted. */
const STOPWORDS: Record<string, readonly string[]> = {
  en: ['the', 'and', 'of', 'to', 'in', 'is', 'that', 'it', 'for', 'with', 'was', 'this', 'are', 'be'],
  tr: ['ve', 'bir', 'bu', 'için', 'ile', 'da', 'de', 'çok', 'olarak', 'daha', 'ama', 'gibi', 'değil'],
  az: ['və', 'bir', 'bu', 'üçün', 'ilə', 'da', 'də', 'çox', 'olaraq', 'daha', 'amma', 'kimi', 'deyil', 'ki'],
  de: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'den', 'ein', 'eine', 'auch', 'sich'],
  fr: ['le', 'la', 'les', 'et', 'des', 'est', 'une', 'pour', 'dans', 'pas', 'qui', 'que', 'sur'],
  es: ['el', 'los', 'las', 'y', 'es', 'una', 'para', 'por', 'con', 'que', 'del', 'se', 'no'],
};

function count(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

/** Guesses the language of a text; null when there is too little text to tell. */
export function detectLanguage(text: string): string | null {
  const letters = count(text, /\p{L}/gu);
  if (letters < 20) return null;
  const cyrillic = count(text, /\p{Script=Cyrillic}/gu);
  if (cyrillic / letters > 0.5) {
    if (count(text, /[әғқңөұүһ]/giu) / cyrillic > 0.01) return 'kk';
    if (count(text, /[іїєґ]/giu) / cyrillic > 0.005) return 'uk';
    return 'ru';
  }
  const latin = count(text, /\p{Script=Latin}/gu);
  if (latin / letters < 0.5) return null;
  // The schwa is Azerbaijani's own letter; dotless ı and ğ without it point to Turkish.
  if (count(text, /[əƏ]/gu) / latin > 0.005) return 'az';
  const words = text.toLowerCase().match(/\p{L}+/gu) ?? [];
  let best: string | null = null;
  let bestScore = 0;
  for (const [language, list] of Object.entries(STOPWORDS)) {
    const set = new Set(list);
    const score = words.filter((w) => set.has(w)).length;
    if (score > bestScore) {
      best = language;
      bestScore = score;
    }
  }
  if (bestScore < 2) return null;
  // Azerbaijani words without a single schwa are Turkish: the two share most short words.
  return best === 'az' ? 'tr' : best;
}
