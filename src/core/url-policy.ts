/**
 * The one URL policy: every address the system takes in (entry links, ids used as links, images, enclosures, a
 * feed's home page) and every address it writes out (RSS, Atom, JSON Feed, the API, webhook payloads, links and
 * pictures inside `contentHtml`) passes through {@link safeUrl}. Only `http` and `https` survive (and `mailto`
 * where the caller says an address may stand, such as an author's); anything else is dropped, never passed on.
 *
 * Readers decode entities and ignore white space and control characters inside a scheme (`jav&#x09;ascript:`,
 * `&#106;avascript:`, ` javascript:`), so the scheme is judged on the address after all of that, decoded until
 * nothing changes (a double-escaped `&amp;#106;` is one decoding away from the same thing in a careless reader).
 * Pure.
 */
import { decodeHTML } from 'entities';

/** What a caller allows besides http(s). */
export interface UrlPolicyOptions {
  /** Resolves a relative address; it must be http(s) itself, else a relative address is dropped. */
  base?: string | null;
  /** `mailto:` may stand (an author's address); never for a picture, enclosure or article link. */
  allowMailto?: boolean;
}

// Everything a URL parser or a browser skips or strips when reading a scheme: C0 controls, space, DEL, and the
// invisible format characters some parsers drop (soft hyphen, zero-width and bidi marks, BOM).
// eslint-disable-next-line no-control-regex
const IGNORED = /[\u0000-\u0020\u007f-\u00a0\u00ad\u180e\u2000-\u200f\u2028-\u202f\u205f-\u2064\u3000\ufeff]+/g;
const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Decodes HTML entities until the text stops changing (bounded: each round only shortens it). */
function decodeFully(text: string): string {
  let current = text;
  for (let round = 0; round < 4 && current.includes('&'); round++) {
    const next = decodeHTML(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/** The scheme an address would have in the most lenient reader, lowercased; null for a relative address. */
function judgedScheme(raw: string): string | null {
  const flat = decodeFully(raw).replace(IGNORED, '');
  const match = SCHEME.exec(flat);
  return match ? match[1]!.toLowerCase() : null;
}

function isHttp(url: URL): boolean {
  return url.protocol === 'http:' || url.protocol === 'https:';
}

/**
 * The address as it may be written out: absolute `http`/`https` (or `mailto` when allowed), normalized by the
 * WHATWG URL parser; null when it is anything else, cannot be made absolute, or does not parse. Never throws.
 * Entities are decoded once for the value (a feed may escape its `&` twice); the scheme is judged on the fully
 * decoded, stripped text, and again on the parsed result, so neither reading can smuggle a scheme past the other.
 */
export function safeUrl(raw: string | null | undefined, options: UrlPolicyOptions = {}): string | null {
  if (typeof raw !== 'string') return null;
  const scheme = judgedScheme(raw);
  if (scheme !== null && scheme !== 'http' && scheme !== 'https' && !(scheme === 'mailto' && options.allowMailto)) return null;
  const value = (raw.includes('&') ? decodeHTML(raw) : raw).trim();
  if (value === '') return null;
  let parsed: URL;
  try {
    if (scheme !== null) parsed = new URL(value);
    else {
      const base = options.base ? safeBase(options.base) : null;
      if (!base) return null;
      parsed = new URL(value, base);
    }
  } catch {
    return null;
  }
  if (isHttp(parsed)) return parsed.hostname ? parsed.href : null;
  return options.allowMailto && parsed.protocol === 'mailto:' ? parsed.href : null;
}

/** A base for relative addresses: only an absolute http(s) URL qualifies. */
function safeBase(base: string): URL | null {
  try {
    const parsed = new URL(base);
    return isHttp(parsed) && parsed.hostname ? parsed : null;
  } catch {
    return null;
  }
}

/**
 * The outlet's home page for the items of a feed: the configured one, else the feed's own link (relative to the
 * document), else the document's origin; whichever the URL policy keeps, `''` when none (a feed read from a file
 * with no link of its own).
 */
export function sourceHomepage(configured: string | null | undefined, feedLink: string | null | undefined, documentUrl: string): string {
  return safeUrl(configured) ?? safeUrl(feedLink, { base: documentUrl }) ?? safeUrl('/', { base: documentUrl }) ?? '';
}
