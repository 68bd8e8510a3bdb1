/** How every stage reads HTML with cheerio, and resolves the addresses it finds there. */

/** htmlparser2 in HTML mode, serializing text as UTF-8 rather than numeric entities. */
export const HTML_OPTIONS = { xml: { xmlMode: false, decodeEntities: true, encodeEntities: 'utf8' as const } };

/** Resolves an address against the base URL; returns '' for what cannot be resolved or is not http(s). */
export function absoluteUrl(url: string, baseUrl?: string): string {
  const trimmed = url.trim();
  if (trimmed === '') return '';
  try {
    const resolved = baseUrl ? new URL(trimmed, baseUrl) : new URL(trimmed);
    return resolved.protocol === 'http:' || resolved.protocol === 'https:' ? resolved.href : '';
  } catch {
    return '';
  }
}
