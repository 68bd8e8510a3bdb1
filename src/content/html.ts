import { Parser } from 'htmlparser2';
import { safeUrl } from '../core/url-policy.js';

/** How every stage reads HTML with cheerio, and resolves the addresses it finds there. */

/** htmlparser2 in HTML mode, serializing text as UTF-8 rather than numeric entities. */
export const HTML_OPTIONS = { xml: { xmlMode: false, decodeEntities: true, encodeEntities: 'utf8' as const } };

/** Resolves an address against the base URL; returns '' for what the URL policy drops (`safeUrl`). */
export function absoluteUrl(url: string, baseUrl?: string): string {
  return safeUrl(url, { base: baseUrl }) ?? '';
}

/**
 * The text of an HTML fragment, whitespace squeezed; '' for none. Every text node in document order, as cheerio's
 * `load(html, null, false).text()` reads it (script and style text included, comments not, entities decoded), but
 * from the tokenizer alone: no tree is built, so it costs about a third of loading the fragment. Pure.
 */
export function htmlText(html: string | null): string {
  if (!html) return '';
  const parts: string[] = [];
  new Parser({ ontext: (text) => void parts.push(text) }, { decodeEntities: true }).end(html);
  return parts.join('').replace(/\s+/g, ' ').trim();
}
