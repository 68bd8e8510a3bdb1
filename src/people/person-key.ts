/**
 * One person whatever the script or spelling: "Grigory Trofimchuk", "Григорий Трофимчук" and "Qriqori Trofimçuk"
 * give the same key. A name is written in plain Latin through the transliteration table of its language (the
 * lexicons' `people.transliteration`; any-ascii for other letters), then folded to a sound skeleton that the usual
 * spellings of one sound share (kh/x/h/g/q, ch/ç, sh/ş, zh/j/dzh/c, y/i/ı, e/ə/a, doubled letters, glides). The
 * key is the given name and the surname, in either order (name order varies between languages), without
 * patronymics. A name whose given name is an initial ("G. Trofimchuk") has no key of its own: the people store
 * attaches it only when one known person fits. Pure.
 */
import anyAscii from 'any-ascii';
import { LEXICONS } from '../normalize/lexicon/index.js';
import type { Lexicon } from '../normalize/lexicon/index.js';

/** A name read for identity. */
export interface PersonName {
  /** Given name and surname skeletons, sorted: the person's identity when both are whole words; null otherwise. */
  key: string | null;
  /**
   * Every key the name may have when a word's spelling is ambiguous (the key first): a plain-Latin word read as
   * English, Azerbaijani or Turkish. Empty when `key` is null.
   */
  keys: string[];
  /** Skeleton of the surname (the last word kept), for initials; null for a one-word name. */
  surname: string | null;
  /** Skeleton of the given name, or the initial's skeleton letter when `initial`; null for a one-word name. */
  given: string | null;
  /** The given name is an initial ("G.", "Г."). */
  initial: boolean;
}

interface Table {
  /** Longest entries first, so `shch` is read before `sh`. */
  entries: Array<[from: string, to: string]>;
}

function tableOf(lexicon: Lexicon): Table {
  const entries = lexicon.people.transliteration.map((entry): [string, string] => {
    const [from = '', to = ''] = entry.split(' ');
    return [from.toLocaleLowerCase(lexicon.code), to];
  });
  entries.sort((a, b) => b[0].length - a[0].length);
  return { entries };
}

const TABLES = new Map(LEXICONS.map((lexicon) => [lexicon.code, tableOf(lexicon)]));
const PATRONYMIC_WORDS = new Set(LEXICONS.flatMap((lexicon) => lexicon.people.patronymicWords.map((word) => ascii(word, lexicon.code))));
const PATRONYMIC_ENDINGS = LEXICONS.flatMap((lexicon) => lexicon.people.patronymicEndings.map((ending) => ascii(ending, lexicon.code)));
const PARTICLES = new Set(LEXICONS.flatMap((lexicon) => lexicon.people.nameParticles));

/** Letters that tell which table a Latin word's spelling follows. */
const LANGUAGE_LETTERS: Array<[code: string, letters: RegExp]> = [
  ['az', /[əƏ]/u],
  ['tr', /[çÇşŞğĞıİöÖüÜ]/u],
];

/**
 * The tables a word may be spelt by, likeliest first: its script's, or its own letters'; a Latin word without
 * telling letters by the text's language first, then English, Azerbaijani and Turkish (an English text keeps
 * "Recep", whose c is Turkish; an Azerbaijani text may keep "Cornell").
 */
function tablesFor(word: string, language: string | null): string[] {
  if (/\p{Script=Cyrillic}/u.test(word)) return ['ru'];
  for (const [code, letters] of LANGUAGE_LETTERS) if (letters.test(word)) return [code === 'tr' && language === 'az' ? 'az' : code];
  if (!/\p{Script=Latin}/u.test(word)) return ['en'];
  const first = language === 'az' || language === 'tr' ? language : 'en';
  return [...new Set([first, 'en', 'az', 'tr'])];
}

/** A word in plain lower-case Latin, through the table of `code` (any-ascii for letters it lacks). */
export function ascii(word: string, code: string): string {
  const table = TABLES.get(code);
  let lower = word.normalize('NFC').toLocaleLowerCase(code === 'az' || code === 'tr' ? code : 'und');
  if (code === 'az' || code === 'tr') lower = lower.replace(/i̇/gu, 'i');
  if (!table) return anyAscii(lower).toLowerCase();
  let out = '';
  for (let i = 0; i < lower.length;) {
    const hit = table.entries.find(([from]) => from && lower.startsWith(from, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
    } else {
      out += lower[i];
      i++;
    }
  }
  return anyAscii(out).toLowerCase();
}

/**
 * The sound skeleton of a plain-Latin word: the spellings one sound gets in English, Russian, Azerbaijani and
 * Turkish renderings fall together. Conservative where it matters: vowels keep their place (Ivanov ≠ Ivanova).
 */
export function skeleton(latin: string): string {
  let s = latin.replace(/[^a-z]/g, '').replace(/(?<=[aeiou])h$/, '');
  s = s
    .replace(/shch|sch/g, 'S')
    // One class for the affricates and ž: English writes Turkish c (dzh) as c and ç (ch) as c too.
    .replace(/dzh|dj|zh|j|tch|ch/g, 'J')
    .replace(/sh/g, 'S')
    .replace(/ph/g, 'f')
    .replace(/kh|q|h|g/g, 'G')
    .replace(/x/g, 'ks')
    .replace(/ts|tz/g, 'Z')
    .replace(/c(?=[eiy])/g, 's')
    .replace(/ck|c/g, 'k')
    .replace(/w/g, 'v')
    .replace(/y/g, 'i')
    .replace(/e/g, 'a')
    .replace(/(.)\1+/g, '$1')
    // A glide before a vowel (Yevgeny/Evgeny, Aliyev/Aliev, Darya/Daria) is a spelling, not a sound of its own.
    .replace(/i(?=[aou])/g, '')
    .replace(/(.)\1+/g, '$1')
    // Spelling at a word's end: a voiced consonant written as heard (Rəcəb/Recep), an English vowel before a final
    // r (Alexander/Aleksandr).
    .replace(/b$/, 'p')
    .replace(/G$/, 'k')
    // d and t: Russian renders Azerbaijani and Turkish d as t and back (Mehdiyev/Мехтиев, Davudoğlu/Davutoğlu).
    .replace(/d/g, 't')
    .replace(/(?<=[^aiou])a(?=r$)/, '')
    .replace(/(.)\1+/g, '$1');
  return s.toLowerCase();
}

/** Words of a name as written: honorifics with a dot ("Dr.") and particles go; hyphenated parts stay one word. */
/** A word without leading dots, apostrophes or hyphens, nor trailing apostrophes or hyphens (no regex: linear by construction). */
function trimWordMarks(word: string): string {
  let start = 0;
  let end = word.length;
  while (start < end && ".'’-".includes(word[start]!)) start++;
  while (end > start && "'’-".includes(word[end - 1]!)) end--;
  return word.slice(start, end);
}

function nameWords(name: string): string[] {
  return name
    .normalize('NFC')
    .replace(/[(),"«»“”]/gu, ' ')
    .split(/\s+/u)
    .map(trimWordMarks)
    .filter((word) => /\p{L}/u.test(word))
    .filter((word) => !(word.endsWith('.') && word.length > 2 && /^\p{Lu}\p{Ll}+\.$/u.test(word) && word.length <= 5))
    .filter((word) => !PARTICLES.has(word.toLowerCase()));
}

const isInitial = (word: string) => /^\p{L}\.?$/u.test(word) || /^\p{Lu}\p{Ll}?\.$/u.test(word);

/**
 * Reads a name for identity. `language`: the item's language (the table for Latin words without telling
 * letters). Patronymics (a middle word with a patronymic ending, or a patronymic word with the name before it)
 * are left out; the key is the first and last words left.
 */
export function readPersonName(name: string, language: string | null = null): PersonName {
  const words = nameWords(name);
  const latin = words.map((word) => {
    const readings = [...new Set(tablesFor(word, language).map((code) => ascii(word, code)))];
    return { word, latin: readings[0]!, readings };
  });
  const kept: typeof latin = [];
  for (let i = 0; i < latin.length; i++) {
    const { latin: l } = latin[i]!;
    if (PATRONYMIC_WORDS.has(l)) {
      // "Heydər oğlu": the father's name before the word goes with it, unless it is the first word.
      if (kept.length > 1) kept.pop();
      continue;
    }
    const middle = i > 0 && i < latin.length - 1;
    const ending = latin.length >= 3 && PATRONYMIC_ENDINGS.some((e) => l.length > e.length + 2 && new RegExp(`${e}[a-z]{0,2}$`).test(l));
    if (ending && (middle || i === latin.length - 1)) continue;
    kept.push(latin[i]!);
  }
  const none: PersonName = { key: null, keys: [], surname: null, given: null, initial: false };
  if (kept.length < 2) return none;
  const first = kept[0]!;
  const last = kept[kept.length - 1]!;
  const firstInitial = isInitial(first.word);
  const lastInitial = isInitial(last.word);
  if (firstInitial && lastInitial) return none;
  if (firstInitial || lastInitial) {
    const [init, surname] = firstInitial ? [first, last] : [last, first];
    return { ...none, surname: skeleton(surname.latin), given: skeleton(`${init.latin}a`).slice(0, 1), initial: true };
  }
  const a = skeleton(first.latin);
  const b = skeleton(last.latin);
  if (!a || !b) return none;
  const keys = new Set<string>();
  for (const x of first.readings) for (const y of last.readings) keys.add([skeleton(x), skeleton(y)].sort().join(' '));
  const key = [a, b].sort().join(' ');
  keys.delete(key);
  return { key, keys: [key, ...keys], surname: b, given: a, initial: false };
}
