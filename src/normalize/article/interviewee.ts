import { compareKey, squeeze } from './text.js';

/** Who is interviewed, as the title and the intro name them. */
export interface Person {
  name: string;
  role?: string;
}

/** The genre words of the region's outlets; an uppercase `İ` does not fold to `i`, hence the explicit forms. */
export const INTERVIEW_WORD =
  /(?<![\p{L}\p{N}])(?:interview|q\s*&\s*a|интервью|müsahibə(?:si)?|MÜSAHİBƏ(?:Sİ)?|röportaj|RÖPORTAJ|söyləşi|SÖYLƏŞİ|söyleşi|SÖYLEŞİ|entrevista|entretien)(?![\p{L}\p{N}])/iu;

/** A genre marker closing a title (`… – INTERVIEW`) or opening it (`INTERVIEW: …`, `Exclusive interview | …`). */
const MARKER_SUFFIX = new RegExp(
  `\\s*[\\u2013\\u2014|-]\\s*(?:exclusive\\s+|эксклюзивное\\s+|eksklüziv\\s+)?${INTERVIEW_WORD.source}\\s*$`,
  'iu',
);
const MARKER_PREFIX = new RegExp(
  `^\\s*(?:exclusive\\s+|эксклюзивное\\s+|eksklüziv\\s+)?${INTERVIEW_WORD.source}(?:\\s+(?:with|с|ilə))?\\s*[:|\\u2013\\u2014-]\\s*`,
  'iu',
);

/** A word of a person's name: capitalised, letters only (initials such as `J.` are handled apart). */
const NAME_TOKEN = /^\p{Lu}[\p{L}\p{M}'\u2019-]*\p{Ll}$/u;
const INITIAL = /^\p{Lu}\.$/u;

/** English role nouns, matched whole (case-insensitive). */
const ROLE_WORDS = new Set(
  (
    'expert analyst economist scientist professor researcher director head chairman chairwoman chair minister ambassador ' +
    'deputy lawmaker mp member president ceo cfo cto coo founder co-founder editor journalist writer author novelist poet ' +
    'historian diplomat general officer spokesperson spokesman spokeswoman adviser advisor manager coach player artist ' +
    'musician singer actor actress doctor physician lawyer attorney specialist lecturer rector governor mayor commissioner ' +
    'executive chief secretary leader official envoy representative partner strategist fellow politician orientalist ' +
    'sociologist entrepreneur composer filmmaker architect engineer activist grandmaster champion athlete designer ' +
    'photographer scholar academic observer commentator columnist curator conductor chef owner investor banker consultant ' +
    'pianist violinist producer turkologist political scientist'
  ).split(' '),
);

/** Russian, Azerbaijani and Turkish role nouns, matched as word beginnings (they inflect). */
const ROLE_STEMS = (
  'эксперт политолог аналитик экономист профессор директор руководител глава председател министр посол депутат ' +
  'президент основател редактор журналист писател историк дипломат генерал советник сотрудник специалист доцент ' +
  'ректор член заведующ востоковед социолог юрист адвокат врач тренер политик публицист режиссер режиссёр актер актёр ' +
  'певиц певец композитор художник архитектор инженер чемпион исследовател учены учёны представител губернатор мэр ' +
  'обозревател комментатор предпринимател гроссмейстер шахматист пианист ' +
  'ekspert politoloq analitik iqtisadçı professor direktor rəhbər sədr nazir səfir deputat prezident təsisçi redaktor ' +
  'jurnalist yazıçı tarixçi diplomat general müşavir mütəxəssis əməkdaş rektor üzv hüquqşünas həkim məşqçi müdir ' +
  'şərqşünas sosioloq alim dosent şair bəstəkar rejissor aktyor müğənni rəssam memar mühəndis çempion qrossmeyster ' +
  'şahmatçı nümayəndə sahibkar pianoçu türkoloq ' +
  'uzman analist ekonomist profesör direktör başkan bakan büyükelçi milletvekili yazar gazeteci danışman akademisyen'
).split(' ');

/** Words that end a role phrase when reading leftwards from the name. */
const ROLE_STOP = new Set(
  (
    'in with to this that interview exclusive told said says by for from and as at on where when which who whom our ' +
    'the a an his her their its ' +
    'в во с со интервью беседе рассказал рассказала и что как по на нашему ' +
    'ilə və ki müsahibəsində müsahibədə bu'
  ).split(' '),
);

function bare(token: string): string {
  return token.replace(/^[("«\u201c\u2018']+|[)"»\u201d\u2019',.;:!?]+$/gu, '');
}

function isRoleWord(token: string): boolean {
  const word = bare(token).toLowerCase();
  if (word === '') return false;
  if (ROLE_WORDS.has(word) || ROLE_WORDS.has(word.split('-').pop() ?? '')) return true;
  // Professions named after their field: seismologist, agronomist, technician.
  if (/^\p{Ll}+(?:ologist|onomist|ician)$/u.test(word)) return true;
  return ROLE_STEMS.some((stem) => word.startsWith(stem));
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
 * A leading `Name:` (or `Role Name:`) of two to four name words, after any genre marker; null when the
 * title has none.
 */
export function personFromTitle(title: string): Person | null {
  const withoutMarker = squeeze(title).replace(MARKER_PREFIX, '');
  const colon = withoutMarker.search(/[:\uff1a]\s/);
  if (colon < 0) return null;
  const tokens = withoutMarker.slice(0, colon).trim().split(/\s+/);
  let first = 0;
  while (first < tokens.length && isRoleWord(tokens[first]!)) first += 1;
  const name = tokens.slice(first);
  if (name.length < 2 || name.length > 4 || !name.every(isNameToken)) return null;
  if (name.some((t) => INTERVIEW_WORD.test(t))) return null;
  return first > 0 ? { name: name.join(' '), role: tokens.slice(0, first).join(' ') } : { name: name.join(' ') };
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

/** A person mentioned in the intro together with a role. */
interface Mention {
  name: string;
  role: string;
}

/**
 * The role words right before a name ("expert Grigory Trofimchuk", "Директор Института экономики НАНА
 * Назим Имамов", "its artistic director, Lala Guliyeva,"), read leftwards until punctuation, a function
 * word or an outlet name; it must contain a role word.
 */
function roleBefore(tokens: readonly string[], nameStart: number, nameEnd: number): string | null {
  const end = nameStart - 1;
  if (end < 0) return null;
  // "role, Name," : the comma after the role is only allowed when the name is set off by commas too.
  if (/[;:.()]$/.test(tokens[end]!) || (/,$/.test(tokens[end]!) && !/,$/.test(tokens[nameEnd] ?? ''))) return null;
  let start = end;
  while (start > 0 && end - start < 7) {
    const previous = tokens[start - 1]!;
    if (/[,;:.!?()\u201d"»]$/.test(previous) || ROLE_STOP.has(previous.toLowerCase())) break;
    // An outlet such as "News.Az" is not part of the role.
    if (/\p{L}\.\p{L}/u.test(previous)) break;
    start -= 1;
  }
  const words = tokens.slice(start, end + 1);
  return words.some(isRoleWord) ? words.join(' ').replace(/,$/, '') : null;
}

/** The appositive after a name: "Name, a senior fellow at X, said" or "Name is the director of X." */
function roleAfter(tokens: readonly string[], nameEnd: number): string | null {
  let from = nameEnd + 1;
  if (!/,$/.test(tokens[nameEnd] ?? '')) {
    if (!/^(?:is|was)$/.test(tokens[from] ?? '')) return null;
    from += 1;
  }
  const words: string[] = [];
  for (let i = from; i < tokens.length && words.length < 14; i += 1) {
    words.push(tokens[i]!);
    if (/[,;.)]$/.test(tokens[i]!)) break;
  }
  if (!words.some(isRoleWord)) return null;
  const role = words.join(' ').replace(/[,;.)]+$/, '').replace(/^(?:a|an|the)\s+/i, '');
  return role === '' ? null : role;
}

/** People named in a text with a role word next to their name. */
function mentions(text: string): Mention[] {
  const tokens = squeeze(text).split(' ');
  const found: Mention[] = [];
  for (let i = 0; i < tokens.length; i += 1) {
    if (!isPersonToken(tokens[i]!) || (i > 0 && isPersonToken(tokens[i - 1]!) && !/[,;:.]$/.test(tokens[i - 1]!))) continue;
    // A run of two or three name words; punctuation on a word closes the run.
    let end = i;
    while (end + 1 < tokens.length && end - i < 3 && !/[,;:.!?)]$/.test(tokens[end]!) && isPersonToken(tokens[end + 1]!)) end += 1;
    if (end === i) continue;
    // "Ассоциации туроператоров Азербайджана Фуад Назаров": a longer run not opened right after a role
    // word starts with the end of the role's complement; the name is its last two words.
    const previous = i > 0 ? tokens[i - 1]! : '';
    const continuesPhrase = previous !== '' && !/[,;:.!?)]$/.test(previous) && !isRoleWord(previous) && !ROLE_STOP.has(previous.toLowerCase());
    const start = end - i >= 2 && continuesPhrase ? end - 1 : i;
    const name = tokens.slice(start, end + 1).map(bare).join(' ');
    const role = roleBefore(tokens, start, end) ?? roleAfter(tokens, end);
    if (role) found.push({ name, role: role.replace(/[,;:.]+$/, '') });
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
 * Finds the interviewee: the name from a `Name: headline` title, a speaker prefix, or the intro's
 * "role Name" / "Name, role," phrasing; the role from the intro next to that name.
 */
export function findInterviewee(args: { title: string; intro: string; answerer?: string }): Person | null {
  const people = mentions(args.intro);
  const fromTitle = personFromTitle(args.title);
  const known = fromTitle?.name ?? args.answerer ?? null;
  if (known) {
    const match = people.find((p) => samePerson(p.name, known));
    const name = fromTitle?.name ?? match?.name ?? known;
    const role = match?.role ?? fromTitle?.role;
    return role ? { name, role } : { name };
  }
  const first = people[0];
  return first ? { name: first.name, role: first.role } : null;
}

/** `interview with News.Az`, `told News.Az`, `в интервью News.Az`, `News.Az-a müsahibəsində`. */
const OUTLET_PHRASES = [
  /(?:interview|conversation|talk)\s+(?:given\s+)?(?:to|with)\s+([\p{Lu}][\p{L}\p{N}.'\u2019&-]*(?:\s+[\p{Lu}][\p{L}\p{N}.'\u2019&-]*){0,3})/u,
  /(?:told|speaking to|spoke to|talked to)\s+([\p{Lu}][\p{L}\p{N}.'\u2019&-]*(?:\s+[\p{Lu}][\p{L}\p{N}.'\u2019&-]*){0,3})/u,
  /(?:интервью|беседе с)\s+(?:агентству\s+|изданию\s+|порталу\s+)?([\p{Lu}][\p{L}\p{N}.'\u2019&-]*)/u,
  /([\p{Lu}][\p{L}\p{N}.'\u2019&]*)-(?:a|ə|ya|yə|ye|ya)\s+(?:verdiyi\s+|eksklüziv\s+)?(?:müsahibə|açıqlama)/u,
];

/**
 * The interviewer: the outlet the intro names ("interview with News.Az"), else the asking speaker's
 * prefix when it is not a bare label, else the source's own name.
 */
export function findInterviewer(args: {
  intro: string;
  questioner?: string;
  sourceName?: string;
  interviewee?: string | null;
}): string | null {
  for (const pattern of OUTLET_PHRASES) {
    const match = pattern.exec(args.intro);
    const outlet = match ? match[1]!.replace(/[.,;:]+$/, '') : '';
    if (outlet === '' || (args.interviewee && samePerson(outlet, args.interviewee))) continue;
    // Only an outlet-like name: a domain-ish word, or the source's own name.
    if (/\p{L}\.\p{L}/u.test(outlet) || (args.sourceName && compareKey(outlet) === compareKey(args.sourceName))) return outlet;
  }
  if (args.questioner && args.questioner.length > 2) return args.questioner;
  return args.sourceName ?? null;
}
