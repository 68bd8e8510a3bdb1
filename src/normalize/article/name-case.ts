/**
 * Restores the nominative of a personal name written in an oblique case, for the languages whose lexicon declines
 * names (`people.nameCases`; Russian: `с Григорием Трофимчуком`, `Сергею Маркову`). Titles and intros name the
 * interviewee in those cases, while the item must carry the name as the person is called.
 *
 * Deliberately few rules: only endings whose nominative is certain, and only when every word of the name agrees on
 * one case and one gender. Anything else is left as written, since a half-restored or wrongly restored name is worse
 * than an inflected one.
 */
import { LEXICONS } from '../lexicon/index.js';
import type { Declension, EndingRule, NameCase, NameCases } from '../lexicon/lexicon.js';

/** An ending rule compiled: the inflected ending anchored at the word's end, and its nominative. */
type CompiledRule = readonly [inflected: RegExp, nominative: string];

interface CompiledDeclension {
  given: readonly CompiledRule[];
  patronymic: readonly CompiledRule[];
  surname: readonly CompiledRule[];
}

interface CompiledCase {
  name: string;
  /** Lower-case words after which alone the case is read; null: anywhere. */
  after: ReadonlySet<string> | null;
  surnameMayStay: boolean;
  declensions: readonly CompiledDeclension[];
  roleNoun: readonly CompiledRule[];
}

/** One language's name grammar, compiled once. */
interface CompiledGrammar {
  nameWord: RegExp;
  cases: readonly CompiledCase[];
  indeclinableSurname: RegExp;
  fleetingVowels: Readonly<Record<string, string>>;
  roleFleetingVowels: Readonly<Record<string, string>>;
}

const compileRules = (rules: readonly EndingRule[]): CompiledRule[] => rules.map(([inflected, nominative]) => [new RegExp(`${inflected}$`, 'u'), nominative]);

function compileCase(nameCase: NameCase): CompiledCase {
  return {
    name: nameCase.name,
    after: nameCase.after ? new Set(nameCase.after.map((word) => word.toLowerCase())) : null,
    surnameMayStay: nameCase.surnameMayStay,
    declensions: nameCase.declensions.map((d: Declension) => ({
      given: compileRules(d.given),
      patronymic: compileRules(d.patronymic),
      surname: compileRules(d.surname),
    })),
    roleNoun: compileRules(nameCase.roleNoun),
  };
}

function compileGrammar(grammar: NameCases): CompiledGrammar {
  return {
    nameWord: new RegExp(`^${grammar.nameWord}$`, 'u'),
    cases: grammar.cases.map(compileCase),
    indeclinableSurname: new RegExp(`(?:${grammar.indeclinableSurnameEndings.join('|')})$`, 'u'),
    fleetingVowels: grammar.fleetingVowels,
    roleFleetingVowels: grammar.roleFleetingVowels,
  };
}

/** The name grammars of every registered lexicon that has one, in registry order. */
const GRAMMARS: readonly CompiledGrammar[] = LEXICONS.flatMap((lexicon) => (lexicon.people.nameCases ? [compileGrammar(lexicon.people.nameCases)] : []));

function rewrite(word: string, rules: readonly CompiledRule[]): string | null {
  for (const [inflected, nominative] of rules) {
    if (!inflected.test(word)) continue;
    const restored = word.replace(inflected, nominative);
    // A stem of one letter is no name: the word only looked inflected.
    return restored.length > 2 ? restored : null;
  }
  return null;
}

/** The name's words in the nominative under one declension, or null when a word does not fit it. */
function underDeclension(words: readonly string[], grammar: CompiledGrammar, declension: CompiledDeclension, surnameMayStay: boolean): string[] | null {
  const last = words.length - 1;
  const given = rewrite(words[0]!, declension.given);
  if (given === null) return null;
  const middle = words.slice(1, last).map((w) => rewrite(w, declension.patronymic));
  if (middle.some((w) => w === null)) return null;
  const surname = words[last]!;
  const restoredSurname = grammar.indeclinableSurname.test(surname) ? (surnameMayStay ? surname : null) : rewrite(surname, declension.surname);
  if (restoredSurname === null) return null;
  return [grammar.fleetingVowels[given] ?? given, ...(middle as string[]), restoredSurname];
}

/** A name in the nominative, and the case it was written in (null when left as written). */
export interface RestoredName {
  name: string;
  writtenIn: string | null;
}

/** Whether a case may be read after the given word. */
const readableAfter = (nameCase: CompiledCase, preceding: string): boolean => nameCase.after === null || nameCase.after.has(preceding.toLowerCase());

/**
 * The nominative of a name of two to three words (given name, optional patronymic, surname) seen in an oblique
 * case; the name unchanged when no grammar's rules fit every word.
 *
 * @param preceding the word before the name (or before the role phrase in front of it): some cases are only
 *   trusted after a preposition (the Russian instrumental after `с`).
 */
export function nominativeName(name: string, preceding: string): RestoredName {
  const words = name.split(' ');
  if (words.length < 2 || words.length > 3) return { name, writtenIn: null };
  for (const grammar of GRAMMARS) {
    if (!words.every((w) => grammar.nameWord.test(w))) continue;
    for (const nameCase of grammar.cases) {
      if (!readableAfter(nameCase, preceding)) continue;
      for (const declension of nameCase.declensions) {
        const restored = underDeclension(words, grammar, declension, nameCase.surnameMayStay);
        if (restored) return { name: restored.join(' '), writtenIn: nameCase.name };
      }
    }
  }
  return { name, writtenIn: null };
}

/** The case a preposition governs (the first case read only after it, "с" → instrumental); null for any other word. */
export function caseAfter(preceding: string): string | null {
  for (const grammar of GRAMMARS) {
    const found = grammar.cases.find((nameCase) => nameCase.after?.has(preceding.toLowerCase()));
    if (found) return found.name;
  }
  return null;
}

/**
 * The role phrase with its first word, the role noun, put back in the nominative ("послом Азербайджана в
 * России" → "посол Азербайджана в России"); the complement after it stays as written. Adjectives are left alone:
 * their nominative ending cannot be told from the oblique one.
 */
export function nominativeRoleHead(role: string, writtenIn: string): string {
  const [head = '', ...rest] = role.split(' ');
  for (const grammar of GRAMMARS) {
    const nameCase = grammar.cases.find((c) => c.name === writtenIn);
    const restored = nameCase ? rewrite(head, nameCase.roleNoun) : null;
    if (restored !== null) return [grammar.roleFleetingVowels[restored] ?? restored, ...rest].join(' ');
  }
  return role;
}
