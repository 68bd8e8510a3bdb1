/**
 * Feed dates: W3C-DTF / ISO 8601 (Atom, Dublin Core, JSON Feed, with or without seconds, partial dates) and
 * RFC 822 (RSS `pubDate`, with two-digit years, missing seconds, named or military zones). Pure.
 */

const MONTHS: Record<string, number> = { jan: 0, feb: 1, mar: 2, apr: 3, may: 4, jun: 5, jul: 6, aug: 7, sep: 8, oct: 9, nov: 10, dec: 11 };

/** RFC 822 and common zone names, in minutes east of UTC. */
const ZONES: Record<string, number> = {
  ut: 0, utc: 0, gmt: 0, z: 0,
  est: -300, edt: -240, cst: -360, cdt: -300, mst: -420, mdt: -360, pst: -480, pdt: -420,
  a: -60, m: -720, n: 60, y: 720,
  cet: 60, cest: 120, bst: 60, ist: 330, jst: 540, msk: 180,
};

const ISO = /^(\d{4})(?:-?(\d{2})(?:-?(\d{2})(?:[T\s]+(\d{2}):?(\d{2})(?::?(\d{2})(?:[.,](\d+))?)?)?)?)?\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?$/i;
const RFC822 = /^(?:[a-z]{2,}\.?,?\s*)?(\d{1,2})[\s-]+([a-z]{3})[a-z]*\.?[\s-]+(\d{2,4})(?:[\sT]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?\s*(?:([a-z]{1,5})|([+-]\d{2}):?(\d{2}))?/i;

function offsetMinutes(zone: string | undefined): number {
  if (!zone) return 0;
  const z = zone.toUpperCase();
  if (z === 'Z' || z === 'UTC' || z === 'GMT') return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(z);
  if (!m) return 0;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function utc(year: number, month: number, day: number, h: number, min: number, s: number, ms: number, offset: number): string | null {
  if (month < 0 || month > 11 || day < 1 || day > 31 || h > 24 || min > 59 || s > 60) return null;
  const time = Date.UTC(year, month, day, h, min, s, ms) - offset * 60_000;
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}

/** Parses a date as feeds write them; null when it is not one. */
export function parseFeedDate(value: string | null | undefined): string | null {
  const text = value?.trim();
  if (!text) return null;
  const iso = ISO.exec(text);
  if (iso) {
    const [, y, mo, d, h, mi, s, frac, zone] = iso;
    return utc(Number(y), mo ? Number(mo) - 1 : 0, d ? Number(d) : 1, Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), frac ? Math.round(Number(`0.${frac}`) * 1000) : 0, offsetMinutes(zone));
  }
  const rfc = RFC822.exec(text);
  if (rfc) {
    const [, d, mon, y, h, mi, s, named, oh, om] = rfc;
    const month = MONTHS[mon!.toLowerCase()];
    if (month !== undefined) {
      let year = Number(y);
      if (y!.length <= 2) year += year < 50 ? 2000 : 1900;
      let offset = 0;
      if (oh) offset = (oh.startsWith('-') ? -1 : 1) * (Math.abs(Number(oh)) * 60 + Number(om ?? 0));
      else if (named) offset = ZONES[named.toLowerCase()] ?? 0;
      return utc(year, month, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0), 0, offset);
    }
  }
  // Whatever else the platform reads ("June 10, 2025 09:00 UTC"), as long as it names a year.
  if (!/\d{4}/.test(text)) return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time).toISOString();
}
