import { safeUrl } from '../core/url-policy.js';

/** How every stage reads HTML with cheerio, and resolves the addresses it finds there. */

/** htmlparser2 in HTML mode, serializing text as UTF-8 rather than numeric entities. */
export const HTML_OPTIONS = { xml: { xmlMode: false, decodeEntities: true, encodeEntities: 'utf8' as const } };

/** Resolves an address against the base URL; returns '' for what the URL policy drops (`safeUrl`). */
export function absoluteUrl(url: string, baseUrl?: string): string {
  return safeUrl(url, { base: baseUrl }) ?? '';
}
