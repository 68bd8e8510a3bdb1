/**
 * Turns lexicon entries into regular-expression sources, the one way every normalize file reads them. The entry
 * syntax is described in `lexicon.ts`: a space is any white space, `word*` a word beginning, a closing ` …` the rest
 * of the line, an apostrophe either `'` or `’`.
 */
import { escapeRegExp } from '../../content/text.js';
import { KNOWN_LANGUAGES, LEXICONS } from './index.js';
import type { KnownLanguage, Lexicon } from './lexicon.js';

/**
 * Letters and digits of the Latin and Cyrillic blocks, a subset of `[\p{L}\p{N}]` (with or without the `i` flag) that
 * a pattern tests in a few comparisons: asked first, it settles most positions inside a word without the Unicode
 * property tables, which cost several times more. Adds no match and removes none.
 */
const COMMON_WORD_CHARACTER = '[a-zA-Z0-9\\u00c0-\\u00d6\\u00d8-\\u00f6\\u00f8-\\u024f\\u0400-\\u0481\\u048a-\\u052f]';

/** Lookbehind: no letter or digit right before (a word starts here). */
export const WORD_START = `(?<!${COMMON_WORD_CHARACTER})(?<![\\p{L}\\p{N}])`;
/** Lookahead: no letter or digit right after (a word ends here). */
export const WORD_END = `(?!${COMMON_WORD_CHARACTER})(?![\\p{L}\\p{N}])`;

/** How a pattern compares letters: as written, or ignoring case (the pattern carries the `i` flag). */
export interface Casing {
  caseless?: boolean;
}

/**
 * Dotted and dotless i in a caseless pattern: `i` also matches `İ`, and `ı` also matches `I`, the upper-case forms of
 * Azerbaijani and Turkish, which case-insensitive matching does not fold ("İlgili haberler", "BAXIŞ").
 */
const TURKIC_I: Readonly<Record<string, string>> = { i: '[iİ]', ı: '[ıI]' };

/** The regular-expression source of one entry. */
export function entrySource(entry: string, casing: Casing = {}): string {
  const rest = entry.endsWith(' \u2026');
  const words = (rest ? entry.slice(0, -2) : entry).split(' ');
  const source = words
    .map((word) => {
      const stem = word.length > 1 && word.endsWith('*');
      let escaped = escapeRegExp(stem ? word.slice(0, -1) : word).replace(/['\u2019]/g, "['\u2019]");
      if (casing.caseless) escaped = escaped.replace(/[iı]/g, (letter) => TURKIC_I[letter]!);
      return stem ? `${escaped}\\p{L}*` : escaped;
    })
    .join('\\s+');
  return rest ? `${source}\\s.*` : source;
}

/**
 * A non-capturing alternation of the entries (duplicates dropped, longest first, so that an entry is preferred to
 * its own beginning as a greedy `?` would be); `(?!)`, which never matches, when there are none.
 */
export function alternation(entries: readonly string[], casing: Casing = {}): string {
  // No entries: a pattern that matches nothing (an empty alternation would match everywhere).
  if (entries.length === 0) return '(?!)';
  const sources = [...new Set(entries.map((entry) => entrySource(entry, casing)))].sort((a, b) => b.length - a.length);
  return `(?:${sources.join('|')})`;
}

/**
 * A lookahead for the characters the entries' patterns can start with, for a `u` pattern (with `i` when caseless);
 * '' when one can start with white space or is empty. A necessary condition, so it changes no match: placed before
 * {@link WORD_START}, it saves testing the lookbehind at every position of a paragraph, which costs several times
 * more than the scan for the first character.
 */
function firstCharacterLookahead(entries: readonly string[], casing: Casing): string {
  const firsts = new Set<string>();
  for (const entry of entries) {
    const first = [...entry][0];
    if (first === undefined || /\s/u.test(first)) return '';
    // The same first characters as entrySource gives its pattern: either apostrophe, the Turkic i's other case.
    const forms =
      first === "'" || first === '\u2019' ? ["'", '\u2019'] : casing.caseless && TURKIC_I[first] ? [first, first === 'i' ? '\u0130' : 'I'] : [first];
    for (const form of forms) firsts.add(`\\u{${form.codePointAt(0)!.toString(16)}}`);
  }
  return firsts.size === 0 ? '' : `(?=[${[...firsts].join('')}])`;
}

/**
 * The entries as whole words: {@link WORD_START}, then their {@link alternation}, with a lookahead for their first
 * characters in front (a `u` pattern; with `i` when caseless). The caller adds {@link WORD_END} or what follows.
 */
export function wordAlternation(entries: readonly string[], casing: Casing = {}): string {
  return `${firstCharacterLookahead(entries, casing)}${WORD_START}${alternation(entries, casing)}`;
}

/** One field's entries across every registered lexicon, in registry order, without repeats. */
export function entries(pick: (lexicon: Lexicon) => readonly string[]): string[] {
  return [...new Set(LEXICONS.flatMap(pick))];
}

/** {@link entries} across every known language, the recognized-only ones included. */
export function knownEntries(pick: (language: KnownLanguage) => readonly string[]): string[] {
  return [...new Set(KNOWN_LANGUAGES.flatMap(pick))];
}

/** {@link alternation} of a field's {@link entries}, for a pattern that ignores case (`i` flag). */
export function anyOf(pick: (lexicon: Lexicon) => readonly string[]): string {
  return alternation(entries(pick), { caseless: true });
}

/** An entry as written and with its first letter in upper case (for case-sensitive patterns). */
export function capitalised(entry: string, code: string): string[] {
  return [entry, entry.charAt(0).toLocaleUpperCase(code) + entry.slice(1)];
}
