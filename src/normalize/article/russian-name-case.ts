/**
 * Restores the nominative of a Russian personal name written in the instrumental (`с Григорием
 * Трофимчуком`) or the dative (`Сергею Маркову`). Titles and intros name the interviewee in those cases,
 * while the item must carry the name as the person is called.
 *
 * Deliberately few rules: only endings whose nominative is certain, and only when every word of the name
 * agrees on one case and one gender. Anything else is left as written, since a half-restored or wrongly
 * restored name is worse than an inflected one.
 */

/** An inflected ending (anchored at the end of the word) and what replaces it in the nominative. */
type EndingRule = readonly [inflected: RegExp, nominative: string];

/** How a case changes each kind of word of a name, for one gender. */
interface Declension {
  given: readonly EndingRule[];
  /** Middle words: the only ones Russian usage puts there are patronymics. */
  patronymic: readonly EndingRule[];
  surname: readonly EndingRule[];
}

const CONSONANT = '[бвгджзклмнпрстфхцчшщ]';
const ending = (pattern: string, nominative: string): EndingRule => [new RegExp(`${pattern}$`, 'u'), nominative];

/** Surname endings shared by masculine forms of the same case: Марков-, Алиев-, Пушкин-. */
const POSSESSIVE_SURNAME = '(ов|ев|ёв|ин|ын)';

/**
 * The instrumental is only trusted after `с`/`со`: without the preposition an `-ем`/`-ом` word may well be
 * a nominative (Салем, Эрдем).
 */
const INSTRUMENTAL: readonly Declension[] = [
  {
    given: [
      ending('ием', 'ий'),
      ending('еем', 'ей'),
      // Игорем, Шамилем: a soft stem; other consonants take -ом.
      ending('([лнр])ем', '$1ь'),
      ending(`(${CONSONANT})ом`, '$1'),
      // Никитой, Мусой: masculine names in -а.
      ending(`(${CONSONANT})ой`, '$1а'),
    ],
    patronymic: [ending('ичем', 'ич')],
    surname: [ending(`${POSSESSIVE_SURNAME}ым`, '$1'), ending('([сц]к)им', '$1ий'), ending(`(${CONSONANT})ом`, '$1')],
  },
  {
    given: [ending(`(${CONSONANT})ой`, '$1а'), ending('ией', 'ия'), ending('ьей', 'ья')],
    patronymic: [ending('(вн|чн)ой', '$1а')],
    surname: [ending(`${POSSESSIVE_SURNAME}ой`, '$1а'), ending('([сц]к)ой', '$1ая')],
  },
];

/**
 * The dative needs no preposition (`Сергею Маркову задали вопрос`), so it is trusted only when the surname
 * shows the case too: a first name alone in -у may be foreign (Абу, Лу).
 */
const DATIVE: readonly Declension[] = [
  {
    given: [ending('ию', 'ий'), ending('ею', 'ей'), ending('([лнр])ю', '$1ь'), ending(`(${CONSONANT})у`, '$1')],
    patronymic: [ending('ичу', 'ич')],
    surname: [ending(`${POSSESSIVE_SURNAME}у`, '$1'), ending('([сц]к)ому', '$1ий'), ending(`(${CONSONANT})у`, '$1')],
  },
  {
    given: [ending(`(${CONSONANT})е`, '$1а'), ending('ии', 'ия'), ending('ье', 'ья')],
    patronymic: [ending('(вн|чн)е', '$1а')],
    surname: [ending(`${POSSESSIVE_SURNAME}ой`, '$1а'), ending('([сц]к)ой', '$1ая')],
  },
];

/** Surnames that do not decline at all (Бюльбюльоглы, Гусейнзаде, Шевченко): they fit any case as written. */
const INDECLINABLE_SURNAME = /(?:оглу|оглы|заде|ко)$/u;

/** Names whose stem drops a vowel when declined (Павел → Павлом, Лев → Львом): the rules above would keep it dropped. */
const FLEETING_VOWEL: Readonly<Record<string, string>> = { Павл: 'Павел', Льв: 'Лев' };

function rewrite(word: string, rules: readonly EndingRule[]): string | null {
  for (const [inflected, nominative] of rules) {
    if (!inflected.test(word)) continue;
    const restored = word.replace(inflected, nominative);
    // A stem of one letter is no name: the word only looked inflected.
    return restored.length > 2 ? restored : null;
  }
  return null;
}

/** The name's words in the nominative under one declension, or null when a word does not fit it. */
function underDeclension(words: readonly string[], declension: Declension, surnameMayStay: boolean): string[] | null {
  const last = words.length - 1;
  const given = rewrite(words[0]!, declension.given);
  if (given === null) return null;
  const middle = words.slice(1, last).map((w) => rewrite(w, declension.patronymic));
  if (middle.some((w) => w === null)) return null;
  const surname = words[last]!;
  const restoredSurname = INDECLINABLE_SURNAME.test(surname) ? (surnameMayStay ? surname : null) : rewrite(surname, declension.surname);
  if (restoredSurname === null) return null;
  return [FLEETING_VOWEL[given] ?? given, ...(middle as string[]), restoredSurname];
}

/** The two cases a name is restored from. */
export type ObliqueCase = 'instrumental' | 'dative';

/** A name in the nominative, and the case it was written in (null when left as written). */
export interface RestoredName {
  name: string;
  writtenIn: ObliqueCase | null;
}

/**
 * The nominative of a Cyrillic name of two to three words (given name, optional patronymic, surname) seen in
 * the instrumental or the dative; the name unchanged when no rule set fits every word.
 *
 * @param afterWith whether the name (or the role phrase in front of it) follows `с`/`со`, the one context in
 *   which the instrumental is trusted.
 */
export function nominativeName(name: string, afterWith: boolean): RestoredName {
  const words = name.split(' ');
  if (words.length < 2 || words.length > 3 || !words.every((w) => /^[А-ЯЁ][а-яё-]+$/u.test(w))) return { name, writtenIn: null };
  const readings: [ObliqueCase, readonly Declension[], boolean][] = [
    ...(afterWith ? [['instrumental', INSTRUMENTAL, true] as [ObliqueCase, readonly Declension[], boolean]] : []),
    ['dative', DATIVE, false],
  ];
  for (const [writtenIn, declensions, surnameMayStay] of readings) {
    for (const declension of declensions) {
      const restored = underDeclension(words, declension, surnameMayStay);
      if (restored) return { name: restored.join(' '), writtenIn };
    }
  }
  return { name, writtenIn: null };
}

/**
 * Role nouns heading a role phrase (политологом, послу, руководителем, главой): consonant stems, stems in
 * -тель and nouns in -а/-ца. Adjectives are left alone: their nominative ending (-ый, -ий, -ой) cannot be
 * told from the oblique one.
 */
const ROLE_NOUN: Readonly<Record<ObliqueCase, readonly EndingRule[]>> = {
  instrumental: [ending('(тел)ем', '$1ь'), ending('(ц)ей', '$1а'), ending(`(${CONSONANT})ом`, '$1'), ending(`(${CONSONANT})ой`, '$1а')],
  dative: [ending('(тел)ю', '$1ь'), ending(`(${CONSONANT})у`, '$1'), ending(`(${CONSONANT})е`, '$1а')],
};

/** `посол` loses its vowel when declined (послом, послу). */
const ROLE_FLEETING_VOWEL: Readonly<Record<string, string>> = { посл: 'посол', Посл: 'Посол' };

/**
 * The role phrase with its first word, the role noun, put back in the nominative ("послом Азербайджана в
 * России" → "посол Азербайджана в России"); the complement after it is genitive and stays as written.
 */
export function nominativeRoleHead(role: string, writtenIn: ObliqueCase): string {
  const [head = '', ...rest] = role.split(' ');
  const restored = rewrite(head, ROLE_NOUN[writtenIn]);
  if (restored === null) return role;
  return [ROLE_FLEETING_VOWEL[restored] ?? restored, ...rest].join(' ');
}
