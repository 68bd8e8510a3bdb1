/**
 * Turns lexicon entries into regular-expression sources, the one way every normalize file reads them. The entry
 * syntax is described in `lexicon.ts`: a space is any white space, `word*` a word beginning, a closing ` …` the rest
 * of the line, an apostrophe either `'` or `’`.
 */
import { escapeRegExp } from '../../content/text.js';
import { KNOWN_LANGUAGES, LEXICONS } from './index.js';
import type { KnownLanguage, Lexicon } from './lexicon.js';

/** Lookbehind: no letter or digit right before (a word starts here). */
export const WORD_START = '(?<![\\p{L}\\p{N}])';
/** Lookahead: no letter or digit right after (a word ends here). */
export const WORD_END = '(?![\\p{L}\\p{N}])';

/** The regular-expression source of one entry. */
export function entrySource(entry: string): string {
  const rest = entry.endsWith(' \u2026');
  const words = (rest ? entry.slice(0, -2) : entry).split(' ');
  const source = words
    .map((word) => {
      const stem = word.length > 1 && word.endsWith('*');
      const escaped = escapeRegExp(stem ? word.slice(0, -1) : word).replace(/['\u2019]/g, "['\u2019]");
      return stem ? `${escaped}\\p{L}*` : escaped;
    })
    .join('\\s+');
  return rest ? `${source}\\s.*` : source;
}

/**
 * A non-capturing alternation of the entries (duplicates dropped, longest first, so that an entry is preferred to
 * its own beginning as a greedy `?` would be); `(?!)`, which never matches, when there are none.
 */
export function alternation(entries: readonly string[]): string {
  // No entries: a pattern that matches nothing (an empty alternation would match everywhere).
  if (entries.length === 0) return '(?!)';
  const sources = [...new Set(entries.map(entrySource))].sort((a, b) => b.length - a.length);
  return `(?:${sources.join('|')})`;
}

/** One field's entries across the given languages, in their order, without repeats (see {@link entries}). */
function entriesOf<L extends KnownLanguage>(languages: readonly L[], pick: (language: L) => readonly string[], caseless: boolean): string[] {
  const all = languages.flatMap((language) =>
    pick(language).flatMap((entry) => {
      const upper = entry.toLocaleUpperCase(language.code);
      return caseless && upper !== entry.toUpperCase() ? [entry, upper] : [entry];
    }),
  );
  return [...new Set(all)];
}

/**
 * One field's entries across every registered lexicon, in registry order, without repeats. For patterns that
 * ignore case (`caseless`), each entry also comes in its language's own upper case where that differs from the
 * default one (Azerbaijani and Turkish `i` → `İ`, which case-insensitive matching does not fold).
 */
export function entries(pick: (lexicon: Lexicon) => readonly string[], options: { caseless?: boolean } = {}): string[] {
  return entriesOf(LEXICONS, pick, options.caseless ?? false);
}

/** {@link entries} across every known language, the recognized-only ones included; for caseless patterns. */
export function knownEntries(pick: (language: KnownLanguage) => readonly string[]): string[] {
  return entriesOf(KNOWN_LANGUAGES, pick, true);
}

/** {@link alternation} of a field's {@link entries}, for a pattern that ignores case. */
export function anyOf(pick: (lexicon: Lexicon) => readonly string[]): string {
  return alternation(entries(pick, { caseless: true }));
}

/** An entry as written and with its first letter in upper case (for case-sensitive patterns). */
export function capitalised(entry: string, code: string): string[] {
  return [entry, entry.charAt(0).toLocaleUpperCase(code) + entry.slice(1)];
}
