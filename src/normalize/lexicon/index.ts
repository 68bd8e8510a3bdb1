/**
 * The registry: every language the normalizer reads (one lexicon file each) and the languages it only recognizes.
 * Adding a language is its file (a `Lexicon`, see `lexicon.ts`), one line here, and fixtures
 * (tests/normalize/lexicons.test.ts reads `tests/fixtures/languages/<code>/`).
 */
import { az } from './az.js';
import { en } from './en.js';
import type { KnownLanguage, LanguageSignature, Lexicon } from './lexicon.js';
import { OTHER_LANGUAGES } from './other-languages.js';
import { ru } from './ru.js';
import { tr } from './tr.js';

export type { KnownLanguage, LanguageSignature, Lexicon } from './lexicon.js';

/** The languages whose texts the normalizer reads, in the order their rules are tried. */
export const LEXICONS: readonly Lexicon[] = [en, ru, az, tr];

/** Every language the normalizer knows: read ones first, then those only recognized. */
export const KNOWN_LANGUAGES: readonly KnownLanguage[] = [...LEXICONS, ...OTHER_LANGUAGES];

/** The detection signatures of every known language, in registry order. */
export const SIGNATURES: readonly LanguageSignature[] = KNOWN_LANGUAGES.flatMap((language) => (language.signature ? [language.signature] : []));
