/**
 * Feed dates: W3C-DTF / ISO 8601 (Atom, Dublin Core, JSON Feed, with or without seconds, partial dates) and
 * RFC 822 (RSS `pubDate`, with two-digit years, missing seconds, named or military zones). Pure.
 */

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

function utc(year: number, month: number, day: number, h: number, min: number, s: number, ms: number, offset: number): string | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || h > 24 || min > 59 || s > 60) return null;
  const time = Date.UTC(year, month, day, h, min, s, ms) - offset * 60_000;
  return Number.isNaN(time) ? null : isoFromEpoch(time);
}

/** Parses a date as feeds write them; null when it is not one. */
export function parseFeedDate(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  // Groups by index, not by destructuring: this runs once per entry of every feed. A complete date the platform
  // reads exactly (full ISO date-time with a zone, RFC 822 with a four-digit year) takes the native parser.
  const iso = ISO.exec(text);
  if (iso && iso[4] && iso[3] && iso[8] && /^(?:Z|[+-]\d{2}:\d{2})$/i.test(iso[8])) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return isoFromEpoch(time);
  }
  if (iso) {
    const frac = iso[7];
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
      return utc(year, month, Number(rfc[1]), Number(rfc[4] ?? 0), Number(rfc[5] ?? 0), Number(rfc[6] ?? 0), 0, offset);
    }
  }
  // Whatever else the platform reads ("June 10, 2025 09:00 UTC"), as long as it names a year.
  if (!/\d{4}/.test(text)) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
