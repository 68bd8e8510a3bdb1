import { caseAfter, nominativeName, nominativeRoleHead } from './name-case.js';
import { compareKey, escapeRegExp, squeeze } from '../../content/text.js';
import { alternation, anyOf, entries, knownEntries, WORD_END, wordAlternation } from '../lexicon/compile.js';
import { LEXICONS } from '../lexicon/index.js';
import type { OutletCue } from '../lexicon/lexicon.js';

/** Who is interviewed, as the title and the intro name them. */
export interface Person {
  name: string;
  role?: string;
}

/** The genre words of every known language ("interview", "интервью", "müsahibə", "röportaj"), whole words. */
export const INTERVIEW_WORD = new RegExp(
  `${wordAlternation(
    knownEntries((language) => language.interviewWords ?? []),
    { caseless: true },
  )}${WORD_END}`,
  'iu',
);

/** "Exclusive" before a genre word. */
const EXCLUSIVE = `(?:${anyOf((lexicon) => lexicon.genre.exclusiveWords)}\\s+)?`;
/** A genre marker closing a title (`… – INTERVIEW`) or opening it (`INTERVIEW: …`, `Exclusive interview | …`). */
const MARKER_SUFFIX = new RegExp(`(?<!\\s)\\s*[\\u2013\\u2014|-]\\s*${EXCLUSIVE}${INTERVIEW_WORD.source}\\s*$`, 'iu');
const MARKER_PREFIX = new RegExp(
  `^\\s*${EXCLUSIVE}${INTERVIEW_WORD.source}(?:\\s+${anyOf((lexicon) => lexicon.genre.withWords)})?\\s*[:|\\u2013\\u2014-]\\s*`,
  'iu',
);
/** "with" after a genre word: "Interview with …", "Интервью с …". */
const WITH_WORD = new RegExp(`^${anyOf((lexicon) => lexicon.genre.withWords)}$`, 'iu');

/** A word of a person's name: capitalised, letters only (initials such as `J.` are handled apart). */
const NAME_TOKEN = /^\p{Lu}[\p{L}\p{M}'\u2019-]*\p{Ll}$/u;
const INITIAL = /^\p{Lu}\.$/u;

/** A set of one field's entries across the lexicons, in lower case (compared with lower-cased tokens). */
const lowerSet = (pick: Parameters<typeof entries>[0]): ReadonlySet<string> => new Set(entries(pick).map((entry) => entry.toLowerCase()));

/** Role nouns matched whole ("ambassador"). */
const ROLE_WORDS = lowerSet((lexicon) => lexicon.people.roleWords);
/** Role nouns that inflect, matched as word beginnings ("политолог", "səfir"): one anchored alternation of literals. */
const ROLE_STEM = new RegExp(
  `^(?:${
    entries((lexicon) => lexicon.people.roleStems)
      .map(escapeRegExp)
      .join('|') || '(?!)'
  })`,
);
/** Inflected role forms that no stem reaches ("послом"). */
const ROLE_FORMS = lowerSet((lexicon) => lexicon.people.roleForms);
/** Professions named by their ending ("-ologist"). */
const ROLE_SUFFIX = new RegExp(`^\\p{Ll}+${alternation(entries((lexicon) => lexicon.people.roleSuffixes))}$`, 'u');

/** Words that end a role phrase when reading leftwards from the name. */
const ROLE_STOP = lowerSet((lexicon) => lexicon.people.roleStop);

/**
 * Prepositions and articles that also sit inside a role phrase ("Ambassador of Azerbaijan to the
 * Netherlands", "посол Азербайджана в России"); reading leftwards, a role phrase continues across them
 * only when capitalised words lead to a role word.
 */
const ROLE_LINKS = lowerSet((lexicon) => lexicon.people.roleLinks);

/** Particles that belong to the surname ("Luca Di Gianfrancesco", "Ludwig van Beethoven"), compared in lowercase. */
const NAME_PARTICLES = lowerSet((lexicon) => lexicon.people.nameParticles);
/** A patronymic in any case: the middle word of a three-word name. */
const PATRONYMIC = new RegExp(`${alternation(entries((lexicon) => lexicon.people.patronymicEndings))}\\p{Ll}{0,2}$`, 'u');
/** "Name is …", "Name was …": the role follows the name. */
const COPULA = new RegExp(`^${alternation(entries((lexicon) => lexicon.people.copulas))}$`, 'u');
/** An article opening a role ("a senior fellow"), dropped. */
const LEADING_ARTICLE = new RegExp(`^${anyOf((lexicon) => lexicon.people.articles)}\\s+`, 'iu');
/** A first word in the script of a language whose role complements follow the role noun without a link word. */
const COMPLEMENT_SCRIPT = new RegExp(
  `^(?:${['(?!)', ...LEXICONS.filter((lexicon) => lexicon.people.complementFollowsRole).map((lexicon) => `\\p{Script=${lexicon.signature.script}}`)].join('|')})`,
  'u',
);

/** Opening quotes and brackets that {@link bare} drops at the start of a token. */
const TOKEN_OPENERS = new Set(['(', '"', '«', '\u201c', '\u2018', "'"]);
/** Closing quotes, brackets and punctuation that {@link bare} drops at the end of a token. */
const TOKEN_CLOSERS = new Set([')', '"', '»', '\u201d', '\u2019', "'", ',', '.', ';', ':', '!', '?']);

/**
 * A token without its opening quotes and brackets and its closing ones and punctuation, read from both ends (what
 * `/^[openers]+|(?<![closers])[closers]+$/g` removes, without trying the closers at every position). The closing run
 * goes only when it lies wholly after the opening one: inside it, each position follows a closer.
 */
function bare(token: string): string {
  let start = 0;
  while (start < token.length && TOKEN_OPENERS.has(token[start]!)) start += 1;
  let end = token.length;
  while (end > 0 && TOKEN_CLOSERS.has(token[end - 1]!)) end -= 1;
  if (end < start) end = token.length;
  return start === 0 && end === token.length ? token : token.slice(start, end);
}

function isRoleWord(token: string): boolean {
  const word = bare(token).toLowerCase();
  if (word === '') return false;
  if (ROLE_WORDS.has(word) || ROLE_WORDS.has(word.split('-').pop() ?? '') || ROLE_FORMS.has(word)) return true;
  if (ROLE_SUFFIX.test(word)) return true;
  return ROLE_STEM.test(word);
}

function isNameToken(token: string): boolean {
  // "Report-a", "APA-ya": an Azerbaijani case ending after a hyphen marks an outlet, not a name.
  return (NAME_TOKEN.test(token) && !/-\p{Ll}{1,4}$/u.test(token)) || INITIAL.test(token);
}

/** A word of a name in running text: a capitalised role word opening a sentence ("Politoloq …") is not one. */
function isPersonToken(token: string): boolean {
  return isNameToken(bare(token)) && !isRoleWord(token);
}

/**
 * A leading `Name:` (or `Role Name:`) of two to four name words, after any genre marker; also a longer
 * role phrase before the name ("Azerbaijan's Ambassador to Hungary Vilayat Guliyev:"). Null when the title
 * has none.
 */
export function personFromTitle(title: string): Person | null {
  const withoutMarker = squeeze(title).replace(MARKER_PREFIX, '');
  const colon = withoutMarker.search(/[:\uff1a]\s/);
  if (colon < 0) return null;
  const tokens = withoutMarker.slice(0, colon).trim().split(/\s+/);
  let first = 0;
  while (first < tokens.length && isRoleWord(tokens[first]!)) first += 1;
  const name = tokens.slice(first);
  if (name.length >= 2 && name.length <= 4 && name.every(isNameToken) && !name.some((t) => INTERVIEW_WORD.test(t))) {
    return first > 0 ? { name: name.join(' '), role: tokens.slice(0, first).join(' ') } : { name: name.join(' ') };
  }
  // The whole prefix must be the role and the name, or a headline with a name in it would be taken for one.
  const whole = mentions(tokens).find((m) => m.role !== undefined && m.from === 0 && m.to === tokens.length - 1);
  return whole ? asPerson(whole) : null;
}

/** The person of an "interview with …" title: "Интервью с Григорием Трофимчуком", "…: интервью с послом X Y Z". */
function personAfterMarker(title: string): Person | null {
  const tokens = squeeze(title).split(' ');
  const marker = tokens.findIndex((t, i) => INTERVIEW_WORD.test(t) && WITH_WORD.test(tokens[i + 1] ?? ''));
  if (marker < 0) return null;
  const person = mentions(tokens).find((m) => m.from === marker + 2);
  return person ? asPerson(person) : null;
}

/** The name of {@link personFromTitle}. */
export function nameFromTitle(title: string): string | null {
  return personFromTitle(title)?.name ?? null;
}

/** The title without the interviewee prefix and the genre marker: what the interview is about. */
export function interviewHeadline(title: string, interviewee: string | null): string {
  let headline = squeeze(title).replace(MARKER_SUFFIX, '').replace(MARKER_PREFIX, '');
  if (interviewee) {
    const prefix = nameFromTitle(headline);
    if (prefix && samePerson(prefix, interviewee)) headline = headline.replace(/^[^:\uff1a]+[:\uff1a]\s*/u, '');
  }
  return squeeze(headline);
}

/** True when the title carries an interview marker. */
export function hasTitleMarker(title: string): boolean {
  return INTERVIEW_WORD.test(title);
}

/** A person named in a text: the name (in the nominative where it could be restored), the role next to it if any. */
interface Mention extends Person {
  /** Index of the first token of the phrase, role included. */
  from: number;
  /** Index of the last token of the name. */
  to: number;
}

function asPerson(mention: Mention): Person {
  return mention.role === undefined ? { name: mention.name } : { name: mention.name, role: mention.role };
}

/** Sentence punctuation closing a token: a role phrase does not run across it. */
const CLOSES_PHRASE = /[,;:.!?()\u201d"»]$/;

/**
 * Reading leftwards from `at` (exclusive), the role word that a complement of capitalised words and link
 * words leads back to ("Ambassador of Azerbaijan to" from `to`), and whether a link word lies on the way;
 * null when something else comes first ("spoke to").
 */
function roleHeadLeftOf(tokens: readonly string[], at: number): { index: number; acrossLink: boolean } | null {
  let acrossLink = false;
  for (let i = at - 1; i >= 0 && at - i <= 8; i -= 1) {
    const token = tokens[i]!;
    if (CLOSES_PHRASE.test(token) || /\p{L}\.\p{L}/u.test(token)) return null;
    if (isRoleWord(token)) return { index: i, acrossLink };
    if (ROLE_LINKS.has(token.toLowerCase())) acrossLink = true;
    else if (!/^\p{Lu}/u.test(token)) return null;
  }
  return null;
}

/** Conjunctions that may join two parts of one role. */
const ROLE_CONJUNCTIONS = lowerSet((lexicon) => lexicon.people.roleConjunctions);

/** What a word can be in a role phrase, for comparing the two sides of a conjunction. */
function roleWordKind(token: string): 'role' | 'capitalised' | 'lowercase' {
  if (isRoleWord(token)) return 'role';
  return /^\p{Lu}/u.test(token) ? 'capitalised' : 'lowercase';
}

/**
 * True when the conjunction at `at` joins two parts of one role rather than two people or clauses. Its
 * neighbours must be alike, bare words of the phrase, and role material must enclose them:
 * - two role words: "Chairman and CEO", "экономист и политолог";
 * - two capitalised words of a complement reached through a link word: "Minister of Culture and Tourism"
 *   (right after a role word a capitalised word is a name: "President Putin and Prime Minister");
 * - two lowercase words completing the role word on their left ("министр культуры и туризма") or
 *   qualifying the role noun right after them ("fövqəladə və səlahiyyətli səfiri").
 * Unlike neighbours ("Rahim and expert", "noted and analyst") keep the conjunction out of the role.
 */
function conjoinsRole(tokens: readonly string[], at: number): boolean {
  const left = tokens[at - 1];
  const right = tokens[at + 1];
  if (!ROLE_CONJUNCTIONS.has(tokens[at]?.toLowerCase() ?? '') || left === undefined || right === undefined) return false;
  if ([left, right].some((t) => CLOSES_PHRASE.test(t) || ROLE_STOP.has(t.toLowerCase()))) return false;
  const kind = roleWordKind(left);
  if (kind !== roleWordKind(right)) return false;
  if (kind === 'role') return true;
  const head = roleHeadLeftOf(tokens, at - 1);
  if (kind === 'capitalised') return head?.acrossLink === true;
  return head !== null || isRoleWord(tokens[at + 2] ?? '');
}

/**
 * The role words right before a name ("expert Grigory Trofimchuk", "Директор Института экономики НАНА
 * Назим Имамов", "its artistic director, Lala Guliyeva,", "Ambassador of Azerbaijan to the Netherlands
 * Rahman Mustafayev"), read leftwards until punctuation, a function word or an outlet name; it must contain
 * a role word. Returns the role and the index of its first token.
 */
function roleBefore(tokens: readonly string[], nameStart: number, nameEnd: number): { role: string; start: number } | null {
  const end = nameStart - 1;
  if (end < 0) return null;
  // "role, Name," : the comma after the role is only allowed when the name is set off by commas too.
  if (/[;:.()]$/.test(tokens[end]!) || (/,$/.test(tokens[end]!) && !/,$/.test(tokens[nameEnd] ?? ''))) return null;
  let start = end;
  // Counts the words taken one by one; a complement crossed through a link word does not use up the budget.
  let words = 0;
  while (start > 0 && words < 7) {
    const previous = tokens[start - 1]!;
    if (CLOSES_PHRASE.test(previous)) break;
    // An outlet such as "News.Az" is not part of the role.
    if (/\p{L}\.\p{L}/u.test(previous)) break;
    if (ROLE_STOP.has(previous.toLowerCase())) {
      if (conjoinsRole(tokens, start - 1)) {
        start -= 1;
        continue;
      }
      const roleWord = ROLE_LINKS.has(previous.toLowerCase()) ? roleHeadLeftOf(tokens, start - 1) : null;
      if (roleWord === null) break;
      start = roleWord.index;
      continue;
    }
    start -= 1;
    words += 1;
  }
  const role = tokens.slice(start, end + 1);
  return role.some(isRoleWord) ? { role: role.join(' ').replace(/,$/, ''), start } : null;
}
/** The appositive after a name: "Name, a senior fellow at X, said" or "Name is the director of X." */
function roleAfter(tokens: readonly string[], nameEnd: number): string | null {
  let from = nameEnd + 1;
  if (!/,$/.test(tokens[nameEnd] ?? '')) {
    if (!COPULA.test(tokens[from] ?? '')) return null;
    from += 1;
  }
  const words: string[] = [];
  for (let i = from; i < tokens.length && words.length < 14; i += 1) {
    words.push(tokens[i]!);
    if (/[,;.)]$/.test(tokens[i]!)) break;
  }
  if (!words.some(isRoleWord)) return null;
  const role = words
    .join(' ')
    .replace(/(?<![,;.)])[,;.)]+$/, '')
    .replace(LEADING_ARTICLE, '');
  return role === '' ? null : role;
}

/**
 * Where the name begins in a run of capitalised words that opens with the end of a role's complement
 * ("Hungary Vilayat Guliyev"): its last two words, three when the middle one binds to the surname (a
 * particle such as "Di", a patronymic).
 */
function nameStartInRun(tokens: readonly string[], runStart: number, runEnd: number): number {
  const middle = bare(tokens[runEnd - 1]!);
  const binds = NAME_PARTICLES.has(middle.toLowerCase()) || PATRONYMIC.test(middle);
  return binds && runEnd - 2 >= runStart ? runEnd - 2 : runEnd - 1;
}

/** People named in a text by two to four capitalised words, with the role next to their name when there is one. */
function mentions(tokens: readonly string[]): Mention[] {
  const found: Mention[] = [];
  // Each token is judged once: the loop below asks about most of them two or three times.
  const person = tokens.map(isPersonToken);
  for (let i = 0; i < tokens.length; i += 1) {
    if (!person[i] || (i > 0 && person[i - 1] && !/[,;:.]$/.test(tokens[i - 1]!))) continue;
    // A run of two to four name words; punctuation on a word closes the run.
    let end = i;
    while (end + 1 < tokens.length && end - i < 3 && !/[,;:.!?)]$/.test(tokens[end]!) && person[end + 1]) end += 1;
    if (end === i) continue;
    const previous = i > 0 ? tokens[i - 1]! : '';
    const lower = previous.toLowerCase();
    // Right after a role's link word or conjunction the run opens with the complement ("of Foreign Affairs
    // of Georgia", "and Tourism"): two words leave no room for a name.
    const afterRoleLink = (ROLE_LINKS.has(lower) && roleHeadLeftOf(tokens, i - 1) !== null) || conjoinsRole(tokens, i - 1);
    if (afterRoleLink && end - i < 2) continue;
    // "Ассоциации туроператоров Азербайджана Фуад Назаров", "to Hungary Vilayat Guliyev": a longer run not
    // opened right after a role word starts with the end of the role's complement.
    const continuesPhrase = previous !== '' && !/[,;:.!?)]$/.test(previous) && !isRoleWord(previous) && (afterRoleLink || !ROLE_STOP.has(lower));
    // Russian puts the role's complement in the genitive right after the noun, with no link word ("посол России
    // Михаил Петров", "директор Института Кавказа …"); a Russian full name has three words only with a patronymic.
    const complementAfterRole = isRoleWord(previous) && COMPLEMENT_SCRIPT.test(tokens[i]!);
    const start = end - i >= 2 && (continuesPhrase || complementAfterRole) ? nameStartInRun(tokens, i, end) : i;
    const before = roleBefore(tokens, start, end);
    const writtenRole = (before?.role ?? roleAfter(tokens, end))?.replace(/(?<![,;:.])[,;:.]+$/, '');
    const from = before?.start ?? start;
    // The case of a Russian name follows the word governing the whole phrase: "с послом … Поладом".
    const governing = tokens[from - 1] ?? '';
    const { name, writtenIn } = nominativeName(
      tokens
        .slice(start, end + 1)
        .map(bare)
        .join(' '),
      governing,
    );
    // The role noun shares the name's case; after "с" it is instrumental even when the name was left as written.
    const roleCase = writtenIn ?? caseAfter(governing);
    const role = writtenRole && roleCase && isRoleWord(writtenRole.split(' ')[0]!) ? nominativeRoleHead(writtenRole, roleCase) : writtenRole;
    found.push(role ? { name, role, from, to: end } : { name, from, to: end });
  }
  return found;
}

/** Whether a mention refers to the person: same name, or the same surname (names inflect in Russian). */
function samePerson(mentioned: string, name: string): boolean {
  if (compareKey(mentioned) === compareKey(name)) return true;
  const surname = (s: string): string => (s.split(' ').pop() ?? '').toLowerCase();
  const a = surname(mentioned);
  const b = surname(name);
  const stem = Math.max(4, Math.min(a.length, b.length) - 2);
  return a.slice(0, stem) === b.slice(0, stem) && a.length >= 4 && b.length >= 4;
}

/**
 * Finds the interviewee: the name from a `Name: headline` or `interview with Name` title, a speaker prefix,
 * or the intro's "role Name" / "Name, role," phrasing; the role from the intro next to that name. Russian
 * names seen in the instrumental or dative come out in the nominative where the endings are unambiguous.
 */
export function findInterviewee(args: { title: string; intro: string; answerer?: string }): Person | null {
  // Paragraph by paragraph: a role phrase never runs on from the previous paragraph's last line.
  const people = args.intro.split(/\n\s*\n/).flatMap((paragraph) => mentions(squeeze(paragraph).split(' ')));
  const withRole = people.filter((p) => p.role !== undefined);
  const fromTitle = personFromTitle(args.title) ?? personAfterMarker(args.title);
  const known = fromTitle?.name ?? args.answerer ?? null;
  if (known) {
    const match = withRole.find((p) => samePerson(p.name, known));
    // A speaker prefix often gives the surname alone; the intro may name the person in full without a role.
    const name = fromTitle?.name ?? match?.name ?? people.find((p) => samePerson(p.name, known))?.name ?? known;
    const role = match?.role ?? fromTitle?.role;
    return role ? { name, role } : { name };
  }
  const first = withRole[0];
  return first ? asPerson(first) : null;
}

/** What a word of an outlet's name may hold after its capital: dots ("News.Az"), apostrophes, ampersands, hyphens. */
const OUTLET_WORD_CHARS = ['\\p{L}', '\\p{N}', '.', "'", '\u2019', '&', '-'];

/** A word of an outlet's name, without the `joiners` that attach a case ending to it. */
function outletWord(joiners: readonly string[] = []): string {
  const chars = OUTLET_WORD_CHARS.filter((c) => !joiners.includes(c)).map((c) => (c === '-' ? '\\-' : c));
  return `[\\p{Lu}][${chars.join('')}]*`;
}

const OUTLET_WORD = outletWord();

/** The pattern of one cue; group 1 is the outlet's name. */
function outletPattern(cue: OutletCue): RegExp {
  if ('before' in cue) {
    const nouns = cue.nouns ? `(?:${alternation(cue.nouns)}\\s+)?` : '';
    return new RegExp(`${alternation(cue.before)}\\s+${nouns}(${OUTLET_WORD}(?:\\s+${OUTLET_WORD}){0,${cue.maxWords - 1}})`, 'u');
  }
  // The case ending follows a joiner (hyphen, apostrophe), so the name itself has none.
  const qualifiers = `(?:${alternation(cue.qualifiers)}\\s+)?`;
  const joiner = `[${cue.joiners.map((j) => (j === '-' ? '\\-' : j)).join('')}]`;
  // The name starts where no letter of a name stands before it: the search never restarts inside a word.
  return new RegExp(
    `(?<![${OUTLET_WORD_CHARS.map((c) => (c === '-' ? '\\-' : c)).join('')}])(${outletWord(cue.joiners)})${joiner}${alternation(cue.suffixes)}\\s+${qualifiers}${alternation(cue.nouns)}`,
    'u',
  );
}

/** `interview with News.Az`, `News.Az-a müsahibəsində`, `News.Az'a verdiği röportajda`: every lexicon's cues, in registry order. */
const OUTLET_PHRASES = LEXICONS.flatMap((lexicon) => lexicon.genre.outletCues.map(outletPattern));

/**
 * The interviewer: the outlet the intro names ("interview with News.Az"), else the asking speaker's
 * prefix when it is not a bare label, else the source's own name.
 */
export function findInterviewer(args: { intro: string; questioner?: string; sourceName?: string; interviewee?: string | null }): string | null {
  for (const pattern of OUTLET_PHRASES) {
    const match = pattern.exec(args.intro);
    const outlet = match ? match[1]!.replace(/(?<![.,;:])[.,;:]+$/, '') : '';
    if (outlet === '' || (args.interviewee && samePerson(outlet, args.interviewee))) continue;
    // Only an outlet-like name: a domain-ish word, or the source's own name.
    if (/\p{L}\.\p{L}/u.test(outlet) || (args.sourceName && compareKey(outlet) === compareKey(args.sourceName))) return outlet;
  }
  if (args.questioner && args.questioner.length > 2) return args.questioner;
  return args.sourceName ?? null;
}
