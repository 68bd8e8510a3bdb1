import { MERIDIEM_WORDS, MONTH_WORDS } from './date-words.js';

/**
 * Feed dates: W3C-DTF / ISO 8601 (Atom, Dublin Core, JSON Feed, with or without seconds, partial dates),
 * RFC 822 (RSS `pubDate`, with two-digit years, missing seconds, named or military zones), and dates as sites
 * write them by hand: month names in many languages (`sab, 07 gen 2023`, `7 дек 2026`, `07 Aralık 2026 14:30`),
 * numeric forms (`2016/6/29`, `07.12.2026`, `12/07/2026` read in the source's day order), 12-hour times
 * (`12:30 PM`). A date that names no zone is in the source's zone, else UTC. Pure.
 */

/** How a numeric date such as `03/04/2026` is read: day first (most of the world) or month first (the US). */
export type DayOrder = 'dmy' | 'mdy';

/** What a source says about how it writes dates. */
export interface DateReadingOptions {
  /** The order of an ambiguous numeric date (both parts 12 or less); `dmy` when unknown. */
  dayOrder?: DayOrder | null;
  /** The zone of a date that names none: an IANA name (`Europe/Istanbul`) or an offset (`+03:00`); UTC when absent. */
  zone?: string | null;
}

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** RFC 822 and common zone names, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  ut: 0,
  utc: 0,
  gmt: 0,
  z: 0,
  est: -300,
  edt: -240,
  cst: -360,
  cdt: -300,
  mst: -420,
  mdt: -360,
  pst: -480,
  pdt: -420,
  a: -60,
  m: -720,
  n: 60,
  y: 720,
  cet: 60,
  cest: 120,
  bst: 60,
  ist: 330,
  jst: 540,
  msk: 180,
};

const ISO = /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const RFC822 =
  /^(?:[a-z]{2,}\.?,?\s*)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2,4})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:([a-z]{1,5})|([+-]\d{2}):?(\d{2}))?/i;

function offsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `new Date(ms).toISOString()` without the Date: a feed of thousands of entries formats thousands of dates, and the
 * object costs more than the arithmetic (civil-from-days, H. Hinnant). Years outside 0–9999 take the Date way.
 */
function isoFromEpoch(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  const inDay = ms - days * 86_400_000;
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  if (year < 0 || year > 9999) return new Date(ms).toISOString();
  const h = Math.floor(inDay / 3_600_000);
  const min = Math.floor((inDay % 3_600_000) / 60_000);
  const sec = Math.floor((inDay % 60_000) / 1000);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(h)}:${pad(min)}:${pad(sec)}.${pad(inDay % 1000, 3)}Z`;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const daysInMonth = (year: number, month: number) =>
  month === 1 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : (DAYS_IN_MONTH[month] ?? 31);

function utc(year: number, month: number, day: number, h: number, min: number, s: number, ms: number, offset: number): string | null {
  if (month < 0 || month > 11 || day < 1 || day > daysInMonth(year, month) || h > 24 || min > 59 || s > 60) return null;
  const time = Date.UTC(year, month, day, h, min, s, ms) - offset * 60_000;
  return Number.isNaN(time) ? null : isoFromEpoch(time);
}

/** Parses a date as feeds write them; null when it is not one. */
export function parseFeedDate(value: string | null | undefined, options: DateReadingOptions = {}): string | null {
  const text = value?.trim();
  if (!text) return null;
  const zone = options.zone || null;
  // Groups by index, not by destructuring: this runs once per entry of every feed. A complete date the platform
  // reads exactly (full ISO date-time with a zone, RFC 822 with a four-digit year) takes the native parser.
  const iso = ISO.exec(text);
  if (iso && iso[4] && iso[3] && iso[8] && /^(?:Z|[+-]\d{2}:\d{2})$/i.test(iso[8])) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return isoFromEpoch(time);
  }
  if (iso) {
    const frac = iso[7];
    // A time without a zone is the source's local time; a bare date stays the UTC day it names.
    if (zone && iso[4] && !iso[8])
      return zoned(
        Number(iso[1]),
        iso[2] ? Number(iso[2]) - 1 : 0,
        iso[3] ? Number(iso[3]) : 1,
        Number(iso[4]),
        Number(iso[5] ?? 0),
        Number(iso[6] ?? 0),
        frac ? Math.round(Number(`0.${frac}`) * 1000) : 0,
        zone,
      );
    return utc(
      Number(iso[1]),
      iso[2] ? Number(iso[2]) - 1 : 0,
      iso[3] ? Number(iso[3]) : 1,
      Number(iso[4] ?? 0),
      Number(iso[5] ?? 0),
      Number(iso[6] ?? 0),
      frac ? Math.round(Number(`0.${frac}`) * 1000) : 0,
      offsetMinutes(iso[8]),
    );
  }
  const rfc = RFC822.exec(text);
  if (rfc && rfc[3]!.length === 4 && rfc[4] && (rfc[8] || /^(?:gmt|ut|utc|z|[ecmp][sd]t)$/i.test(rfc[7] ?? ''))) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return isoFromEpoch(time);
  }
  if (rfc) {
    const month = MONTHS[rfc[2]!.toLowerCase()];
    if (month !== undefined) {
      const y = rfc[3]!;
      let year = Number(y);
      if (y.length <= 2) year += year < 50 ? 2000 : 1900;
      const oh = rfc[8];
      let offset = 0;
      if (oh) offset = (oh.startsWith('-') ? -1 : 1) * (Math.abs(Number(oh)) * 60 + Number(rfc[9] ?? 0));
      else if (rfc[7]) offset = ZONES[rfc[7].toLowerCase()] ?? 0;
      else if (zone && rfc[4] && !/\b[ap]\.?m\b/i.test(text))
        return zoned(year, month, Number(rfc[1]), Number(rfc[4]), Number(rfc[5] ?? 0), Number(rfc[6] ?? 0), 0, zone);
      // A 12-hour time, or a time the pattern did not reach (`7 december 2026 kl. 14:30`), is the written reader's.
      const unread = /\b[ap]\.?m\b/i.test(text) || (!rfc[4] && /\d\s*[:h]\s*\d{2}/.test(text.slice(rfc.index + rfc[0].length)));
      if (!unread) return utc(year, month, Number(rfc[1]), Number(rfc[4] ?? 0), Number(rfc[5] ?? 0), Number(rfc[6] ?? 0), 0, offset);
    }
  }
  const written = parseWrittenDate(text, options.dayOrder ?? 'dmy', zone);
  if (written !== undefined) return written;
  // Whatever else the platform reads ("June 10, 2025 09:00 UTC"), as long as it names a year.
  if (!/\d{4}/.test(text)) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Folds case and accents the way month words are compared (`Aralık` → `aralik`, `déc.` → `dec`, `май` → `маи`). */
function foldWord(word: string): string {
  return word
    .toLowerCase()
    .replace(/ı/g, 'i')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '');
}

const MONTH_BY_FORM = new Map<string, number>();
MONTH_WORDS.forEach((forms, month) => forms.forEach((form) => MONTH_BY_FORM.set(foldWord(form), month)));
const MONTH_FORMS = [...MONTH_BY_FORM.entries()];

/**
 * The month (0–11) a word names in any language of `date-words.ts`: a known form, else an abbreviation of at least
 * three letters that begins the forms of one month only (`sept`, `juil`, `dezemb`); undefined otherwise.
 */
export function monthOfWord(word: string): number | undefined {
  const folded = foldWord(word);
  const exact = MONTH_BY_FORM.get(folded);
  if (exact !== undefined || folded.length < 3) return exact;
  let found: number | undefined;
  for (const [form, month] of MONTH_FORMS) {
    if (!form.startsWith(folded)) continue;
    if (found !== undefined && found !== month) return undefined;
    found = month;
  }
  return found;
}

const offsetFormatters = new Map<string, Intl.DateTimeFormat | null>();

/** Minutes east of UTC of a zone (IANA name or `±hh:mm`) at an instant; null for a zone the platform does not know. */
function zoneOffsetAt(zone: string, utcMs: number): number | null {
  const fixed = /^(?:utc|gmt)?([+-])(\d{1,2}):?(\d{2})?$/i.exec(zone.trim());
  if (fixed) return (fixed[1] === '-' ? -1 : 1) * (Number(fixed[2]) * 60 + Number(fixed[3] ?? 0));
  let format = offsetFormatters.get(zone);
  if (format === undefined) {
    try {
      format = new Intl.DateTimeFormat('en-US', {
        timeZone: zone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      format = null;
    }
    offsetFormatters.set(zone, format);
  }
  if (!format) return null;
  const parts: Record<string, number> = {};
  for (const part of format.formatToParts(utcMs)) if (part.type !== 'literal') parts[part.type] = Number(part.value);
  const wall = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour! % 24, parts.minute!, parts.second!);
  return Math.round((wall - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/** Whether the platform knows a zone (an IANA name or `±hh:mm`): what the config checks a source's `timezone` with. */
export function isKnownZone(zone: string): boolean {
  return zoneOffsetAt(zone, 0) !== null;
}

/** A wall-clock time in a zone, as an ISO instant; the zone's offset at that time (summer or winter) applies. */
function zoned(year: number, month: number, day: number, h: number, min: number, s: number, ms: number, zone: string): string | null {
  const wall = Date.UTC(year, month, day, h, min, s, ms);
  if (Number.isNaN(wall)) return null;
  const first = zoneOffsetAt(zone, wall);
  if (first === null) return utc(year, month, day, h, min, s, ms, 0);
  const offset = zoneOffsetAt(zone, wall - first * 60_000) ?? first;
  return utc(year, month, day, h, min, s, ms, offset);
}

/** `03/04/2026`, `2016/6/29`, `07.12.2026`, `7-12-26`: three numbers with one separator. */
const NUMERIC_DATE = /(?<![\d.:/-])(\d{1,4})\s*([./-])\s*(\d{1,2})\s*\2\s*(\d{1,4})(?![\d/-]|\.\d)/;
/** `2026年12月7日`, `2026년 12월 7일`. */
const CJK_DATE = /(\d{4})\s*[年년]\s*(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일]?/;
/** `14:30`, `14:30:05`, `14h30`, `2:30 PM`, `2 p.m.` */
const TIME = /(?<![\d:])(\d{1,2})(?:\s*[:h]\s*(\d{2})(?:\s*:\s*(\d{2})(?:[.,]\d+)?)?)?(?:\s*(?:([ap])\.?\s?m\.?|(ص|م))(?![\p{L}]))?(?![\d:])/giu;
/** What may follow a time as its zone: `Z`, `UTC`, `GMT+3`, `+03:00`, `+0300`, or a zone name. */
const ZONE_AFTER = /^\s*(?:(z|utc|gmt|ut)(?![\p{L}]))?\s*(?:([+-])(\d{1,2})(?::?(\d{2}))?(?!\d))?/iu;

/**
 * A numeric date's day order as written (pure): `dmy` when its first part cannot be a month (`29/06/2026`), `mdy`
 * when its second cannot (`06/29/2026`), `ambiguous` when both could, null when it is not a numeric date or starts
 * with the year. What a source's dates say together is {@link inferDayOrder}.
 */
export function numericDayOrder(value: string): DayOrder | 'ambiguous' | null {
  const m = NUMERIC_DATE.exec(value);
  if (!m || m[1]!.length > 2 || m[4]!.length === 3) return null;
  const a = Number(m[1]);
  const b = Number(m[3]);
  if (a > 12 && b <= 12) return 'dmy';
  if (b > 12 && a <= 12) return 'mdy';
  return a <= 12 && b <= 12 ? 'ambiguous' : null;
}

/**
 * The day order a source writes its numeric dates in, from the dates of one document (pure): the order its
 * unambiguous dates show (the majority, should they disagree), else the order known before (the source's status),
 * else null.
 */
export function inferDayOrder(values: Iterable<string>, known: DayOrder | null = null): DayOrder | null {
  let dmy = 0;
  let mdy = 0;
  for (const value of values) {
    const order = numericDayOrder(value);
    if (order === 'dmy') dmy++;
    else if (order === 'mdy') mdy++;
  }
  if (dmy === mdy) return known;
  return dmy > mdy ? 'dmy' : 'mdy';
}

function twoDigitYear(year: number): number {
  return year < 50 ? 2000 + year : 1900 + year;
}

/**
 * Dates as sites write them by hand: a month name in any language, or three numbers, with an optional 12- or
 * 24-hour time and zone. Undefined when the text is no such date (the caller tries the platform's reader), null
 * when it is one but impossible (31 June).
 */
function parseWrittenDate(text: string, dayOrder: DayOrder, zone: string | null): string | null | undefined {
  if (text.length > 120) return undefined;
  let rest = text;
  let year: number | undefined;
  let month: number | undefined;
  let day: number | undefined;
  const cjk = CJK_DATE.exec(rest);
  const numeric = cjk ? null : NUMERIC_DATE.exec(rest);
  if (cjk) {
    [year, month, day] = [Number(cjk[1]), Number(cjk[2]) - 1, Number(cjk[3])];
    rest = rest.slice(0, cjk.index) + ' ' + rest.slice(cjk.index + cjk[0].length);
  } else if (numeric) {
    const [a, b, c] = [numeric[1]!, numeric[3]!, numeric[4]!];
    if (a.length === 4) [year, month, day] = [Number(a), Number(b) - 1, Number(c)];
    else if (c.length === 4 || c.length === 2) {
      year = c.length === 2 ? twoDigitYear(Number(c)) : Number(c);
      const order = Number(a) > 12 ? 'dmy' : Number(b) > 12 ? 'mdy' : dayOrder;
      [month, day] = order === 'dmy' ? [Number(b) - 1, Number(a)] : [Number(a) - 1, Number(b)];
    } else return undefined;
    rest = rest.slice(0, numeric.index) + ' ' + rest.slice(numeric.index + numeric[0].length);
  }
  // The time, then its zone, come out before the date's own words and numbers are read.
  let hour = 0;
  let minute = 0;
  let second = 0;
  let offset: number | null = null;
  // A clock has minutes or am/pm; a lone number is the day. Years are blanked so `2026 14:30` is not read as `26 14`.
  const blanked = rest.replace(/(?<!\d)\d{4}(?!\d)/g, (y) => ' '.repeat(y.length));
  const time = [...blanked.matchAll(TIME)].find((m) => m[2] !== undefined || m[4] !== undefined || m[5] !== undefined);
  const isClock = time !== undefined;
  if (time) {
    hour = Number(time[1]);
    minute = Number(time[2] ?? 0);
    second = Number(time[3] ?? 0);
    const marker = time[4] ?? time[5];
    const meridiem = marker ? MERIDIEM_WORDS[marker.toLowerCase()] : undefined;
    if (meridiem) {
      if (hour < 1 || hour > 12) return null;
      hour = (hour % 12) + (meridiem === 'pm' ? 12 : 0);
    }
    let after = rest.slice(time.index! + time[0].length);
    const zoneMatch = ZONE_AFTER.exec(after)!;
    if (zoneMatch[1] || zoneMatch[2]) {
      offset = zoneMatch[2] ? (zoneMatch[2] === '-' ? -1 : 1) * (Number(zoneMatch[3]) * 60 + Number(zoneMatch[4] ?? 0)) : 0;
      after = after.slice(zoneMatch[0].length);
    } else {
      const named = /^\s*\(?([a-z]{2,5})\)?(?![\p{L}])/iu.exec(after);
      const known = named ? ZONES[named[1]!.toLowerCase()] : undefined;
      if (known !== undefined && named![1]!.length > 1) {
        offset = known;
        after = after.slice(named![0].length);
      }
    }
    rest = rest.slice(0, time.index!) + ' ' + after;
  }
  if (month === undefined) {
    // Words: the month is the last month word (a weekday such as Spanish `mar` for martes comes first); numbers
    // are the year (four digits) and the day.
    const tokens = rest.match(/\p{L}+|\d+/gu) ?? [];
    const numbers: number[] = [];
    for (const token of tokens) {
      if (/^\d+$/.test(token)) {
        if (token.length === 4) year ??= Number(token);
        else if (token.length <= 2) numbers.push(Number(token));
        else return undefined;
      } else {
        const named = monthOfWord(token);
        if (named !== undefined) month = named;
      }
    }
    if (month === undefined) return undefined;
    day = numbers[0];
    if (year === undefined && numbers.length >= 2) year = twoDigitYear(numbers[1]!);
    if (year === undefined || day === undefined) return undefined;
  }
  if (year === undefined || day === undefined) return undefined;
  if (month < 0 || month > 11 || day < 1 || day > daysInMonth(year, month)) return null;
  if (offset === null && zone && isClock) return zoned(year, month, day, hour, minute, second, 0, zone);
  return utc(year, month, day, hour, minute, second, 0, offset ?? 0);
}
