import { escapeHtml, htmlToText } from '../core/content-policy.js';

/**
 * Text helpers of the feed readers: text constructs (RFC 4287 §3.1 and Atom 0.3's modes) and plain text ↔ HTML.
 * Pure functions; no parser state.
 */

/** What a feed element says: plain text, or HTML (escaped HTML, inline XHTML or HTML decoded from base64). */
export type FeedText = { kind: 'text'; value: string } | { kind: 'html'; value: string };

// The HTML ↔ text rules are the content policy's (one way to read HTML as text, one way to escape).

/** Plain text as an HTML fragment: escaped, blank-line paragraphs kept as paragraphs. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .split(/\n\s*\n/)
    .map((p) => p.trim())
    .filter(Boolean);
  return paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join('');
}

/** A feed text as HTML. */
export const feedTextHtml = (t: FeedText): string => (t.kind === 'html' ? t.value : textToHtml(t.value));
/** A feed text as plain text. */
export const feedTextPlain = (t: FeedText): string =>
  t.kind === 'html' ? htmlToText(t.value) : (/\s\s|[\t\n\r\f]/.test(t.value) ? t.value.replace(/\s+/g, ' ') : t.value).trim();

/**
 * True when text labelled plain (or not labelled, as in RSS) is in fact HTML: a closing tag, a known element or
 * an entity reference. RSS never says, and escaped HTML in `<description>` is the rule there.
 */
export function looksLikeHtml(text: string): boolean {
  return /<\/[a-z][a-z0-9]*\s*>|<(?:p|br|b|i|a|em|strong|img|div|span|ul|ol|li|code|pre|blockquote|table|h[1-6]|hr|font|u|s|sup|sub)(?:\s[^>]*)?\/?>|&(?:#\d+|#x[0-9a-f]+|[a-z][a-z0-9]*);/i.test(
    text,
  );
}

/** Decodes base64 text (whitespace ignored) as UTF-8. */
export const fromBase64 = (text: string): string => Buffer.from(text.replace(/\s+/g, ''), 'base64').toString('utf8');

/** How a text element declares its content (RFC 4287 `type`, Atom 0.3 `type` + `mode`). */
export interface TextDeclaration {
  type?: string;
  mode?: string;
  /** The element has child elements (inline XHTML or naked markup). */
  hasMarkup: boolean;
  /**
   * What an undeclared type means: `text` for Atom's own constructs, `html` for the elements defined to hold
   * HTML (RSS `description`, `content:encoded`), `guess` for the rest of RSS, which never says.
   */
  undeclared: 'text' | 'html' | 'guess';
}

/**
 * Reads a text construct: `text`/`html`/`xhtml` (RFC 4287 §3.1), MIME types (Atom 0.3 and RFC 4287 §4.1.3:
 * a non-text, non-XML type is base64), and Atom 0.3's `mode` (`xml`, `escaped`, `base64`). `text()` is the
 * element's decoded text; `markup()` its children serialized as HTML (the xhtml wrapper div unwrapped).
 */
export function readTextConstruct(decl: TextDeclaration, text: () => string, markup: () => string): FeedText {
  const type = (decl.type ?? '').trim().toLowerCase();
  const mode = (decl.mode ?? '').trim().toLowerCase();
  const isHtmlType = type === 'html' || type === 'text/html';
  const isXhtmlType = type === 'xhtml' || type === 'application/xhtml+xml';
  const isTextType = type === 'text' || type === 'text/plain';
  const isOtherMime = type.includes('/') && !type.startsWith('text/') && !/[+/]xml$/.test(type);
  if (mode === 'base64' || isOtherMime) {
    const decoded = fromBase64(text());
    return isTextType || (!isHtmlType && !isXhtmlType && !looksLikeHtml(decoded)) ? { kind: 'text', value: decoded } : { kind: 'html', value: decoded };
  }
  if (decl.hasMarkup && mode !== 'escaped') return { kind: 'html', value: markup() };
  const value = text();
  if (isHtmlType || isXhtmlType || mode === 'escaped') return { kind: 'html', value };
  if (isTextType || (decl.undeclared === 'text' && !type)) return { kind: 'text', value };
  if (decl.undeclared === 'html' && !type) return { kind: 'html', value };
  return looksLikeHtml(value) ? { kind: 'html', value } : { kind: 'text', value };
}
