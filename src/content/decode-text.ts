import iconv from 'iconv-lite';

const normalizeLabel = (label: string) => label.trim().toLowerCase().replace(/^["']|["']$/g, '');

/** Finds the declared charset: BOM first, then the HTTP header, then the XML prolog or an HTML meta tag. */
export function declaredCharset(body: Buffer, contentType?: string): string | null {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  const fromHeader = contentType?.match(/charset\s*=\s*([^;\s]+)/i)?.[1];
  if (fromHeader) return normalizeLabel(fromHeader);
  const head = body.subarray(0, 1024).toString('latin1');
  const fromProlog = head.match(/<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i)?.[1] ?? head.match(/<meta[^>]+charset\s*=\s*["']?([\w-]+)/i)?.[1];
  return fromProlog ? normalizeLabel(fromProlog) : null;
}

/**
 * Decodes a document to text. A declared non-UTF-8 charset is honoured through iconv-lite, except when the bytes
 * are valid UTF-8 with non-ASCII characters: then the declaration is wrong and UTF-8 is kept.
 */
export function decodeText(body: Buffer, contentType?: string): string {
  const charset = declaredCharset(body, contentType);
  const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  if (!charset || charset === 'utf-8' || charset === 'utf8') {
    try {
      return utf8.decode(body);
    } catch {
      return iconv.decode(body, 'windows-1252');
    }
  }
  const hasHighBytes = body.some((byte) => byte >= 0x80);
  if (hasHighBytes && !charset.startsWith('utf-16')) {
    try {
      return utf8.decode(body);
    } catch {
      // not UTF-8: the declaration stands
    }
  }
  return iconv.encodingExists(charset) ? iconv.decode(body, charset) : new TextDecoder('utf-8').decode(body);
}
