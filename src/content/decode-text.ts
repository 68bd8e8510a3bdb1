import iconv from 'iconv-lite';

/** WHATWG's reading of labels: documents labelled Latin-1 or ASCII are windows-1252 in practice (0x92 is ’). */
const ALIASES: Record<string, string> = {
  'iso-8859-1': 'windows-1252',
  'iso8859-1': 'windows-1252',
  latin1: 'windows-1252',
  'us-ascii': 'windows-1252',
  ascii: 'windows-1252',
  'iso_8859-1': 'windows-1252',
};

const normalizeLabel = (label: string) => {
  const clean = label
    .trim()
    .toLowerCase()
    .replace(/^["']|["']$/g, '');
  return ALIASES[clean] ?? clean;
};

/**
 * The Unicode encoding the first bytes reveal: a byte-order mark (UTF-8, UTF-16, UTF-32), or, without one, the
 * zero bytes around the document's first ASCII character (`<` or `{`), as XML 1.0 Appendix F describes.
 */
export function sniffUnicode(body: Buffer): string | null {
  const [a, b, c, d] = [body[0], body[1], body[2], body[3]];
  if (a === 0xef && b === 0xbb && c === 0xbf) return 'utf-8';
  if (a === 0x00 && b === 0x00 && c === 0xfe && d === 0xff) return 'utf-32be';
  if (a === 0xff && b === 0xfe && c === 0x00 && d === 0x00) return 'utf-32le';
  if (a === 0xfe && b === 0xff) return 'utf-16be';
  if (a === 0xff && b === 0xfe) return 'utf-16le';
  if (body.length < 4) return null;
  const ascii = (x: number | undefined) => x !== undefined && x > 0 && x < 0x80;
  if (a === 0 && b === 0 && c === 0 && ascii(d)) return 'utf-32be';
  if (ascii(a) && b === 0 && c === 0 && d === 0) return 'utf-32le';
  if (a === 0 && ascii(b) && c === 0 && ascii(d)) return 'utf-16be';
  if (ascii(a) && b === 0 && ascii(c) && d === 0) return 'utf-16le';
  return null;
}

/**
 * Finds the charset: what the first bytes reveal (BOM, or UTF-16/32 without one) first, then the HTTP header,
 * then the XML prolog or an HTML meta tag. A prolog claiming UTF-16/32 over 8-bit bytes is not believed.
 */
export function declaredCharset(body: Buffer, contentType?: string): string | null {
  const sniffed = sniffUnicode(body);
  if (sniffed) return sniffed;
  const fromHeader = contentType?.match(/charset\s*=\s*([^;\s]+)/i)?.[1];
  if (fromHeader && !/^["']?utf-?(?:16|32)/i.test(fromHeader)) return normalizeLabel(fromHeader);
  const head = body.subarray(0, 1024).toString('latin1');
  const fromProlog = head.match(/<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']/i)?.[1] ?? head.match(/<meta[^>]+charset\s*=\s*["']?([\w-]+)/i)?.[1];
  if (!fromProlog || /^utf-?(?:16|32)/i.test(fromProlog)) return null;
  return normalizeLabel(fromProlog);
}

/** C1 control characters as windows-1252 meant them (0x92 → ’); the five it leaves undefined stay. */
const C1_AS_1252 = new Map(
  Array.from({ length: 32 }, (_, i) => [String.fromCharCode(0x80 + i), iconv.decode(Buffer.from([0x80 + i]), 'windows-1252')] as const).filter(
    ([c, w]) => w !== '\ufffd' && w !== c,
  ),
);

/**
 * C1 controls never belong in a feed's text: they are windows-1252 punctuation decoded as Latin-1 or copied
 * into UTF-8 by a tool that did (the "smart quotes" problem). Read them as the punctuation they were.
 */
export function demoronize(text: string): string {
  return /[\u0080-\u009f]/.test(text) ? text.replace(/[\u0080-\u009f]/g, (c) => C1_AS_1252.get(c) ?? c) : text;
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
      return fromUtf8(utf8, body);
    } catch {
      return iconv.decode(body, 'windows-1252');
    }
  }
  const hasHighBytes = body.some((byte) => byte >= 0x80);
  if (hasHighBytes && !/^utf-(?:16|32)/.test(charset)) {
    try {
      return fromUtf8(utf8, body);
    } catch {
      // not UTF-8: the declaration stands
    }
  }
  return demoronize(iconv.encodingExists(charset) ? iconv.decode(body, charset) : new TextDecoder('utf-8').decode(body));
}

/** UTF-8 decoding; C1 controls (bytes C2 80–C2 9F) are looked for in the bytes, which is much cheaper than in the text. */
function fromUtf8(decoder: { decode(input: Uint8Array): string }, body: Buffer): string {
  const text = decoder.decode(body);
  for (let i = body.indexOf(0xc2); i >= 0; i = body.indexOf(0xc2, i + 1)) {
    const next = body[i + 1]!;
    if (next >= 0x80 && next <= 0x9f) return demoronize(text);
  }
  return text;
}
