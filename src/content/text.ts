/**
 * Small text helpers shared by the article modules. Kept in one place so that every module compares
 * strings the same way (a title line removed by one rule must be recognised by the next).
 */

/** Collapses runs of horizontal white space (no-break spaces included) and trims. Keeps the text itself intact. */
export function squeeze(text: string): string {
  // Most texts reaching here are squeezed already (blocks are built squeezed): skip the rewrite for them.
  if (isSqueezed(text)) return text;
  return text.replace(/[\s\u00a0\u2000-\u200b\u202f\u205f\u3000]+/g, ' ').trim();
}

/** True for a code unit of `\s` (what `trim` removes) other than the space, or U+200B. */
function isSqueezeSpace(code: number): boolean {
  if (code < 0x80) return code >= 0x09 && code <= 0x0d;
  return (
    code === 0xa0 ||
    code === 0x1680 ||
    (code >= 0x2000 && code <= 0x200b) ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0x202f ||
    code === 0x205f ||
    code === 0x3000 ||
    code === 0xfeff
  );
}

/** White space that {@link squeeze} rewrites wherever it stands: two spaces, or any other white space (U+200B too). */
const UNSQUEEZED = / {2}|[\t-\r\u00a0\u1680\u2000-\u200b\u2028\u2029\u202f\u205f\u3000\ufeff]/;

/**
 * True when {@link squeeze} would return the text unchanged: no white space but single inner spaces (U+200B counts
 * as white space). It runs on nearly every string the article modules compare: the ends are read directly, the rest
 * is one scan for a character class or two spaces (an anchored alternation, or a loop over the code units, costs
 * several times more).
 */
function isSqueezed(text: string): boolean {
  const last = text.length - 1;
  if (last < 0) return true;
  if (text.charCodeAt(0) === 0x20 || text.charCodeAt(last) === 0x20) return false;
  return !UNSQUEEZED.test(text);
}

/** Characters {@link compareKey} drops at both ends: white space (as `\s`), quotes and end punctuation. */
function isKeyEdge(code: number): boolean {
  switch (code) {
    case 0x20:
    case 0x22:
    case 0x27:
    case 0x2e:
    case 0x2c:
    case 0x3a:
    case 0x3b:
    case 0x21:
    case 0x3f:
    case 0x2d:
      return true;
    default:
      return isSqueezeSpace(code) && code !== 0x200b;
  }
}

/** The dashes and quotes {@link compareKey} unifies (a necessary condition of its rewrites). */
const KEY_TYPOGRAPHY = /[\u2010-\u2015\u2212\u2018\u2019\u201a\u201b`´\u201c\u201d\u201e\u00ab\u00bb]/;

/**
 * A comparison key: lowercase, dashes and quotes unified, punctuation at the ends dropped.
 * Used to recognise the same line written with a different dash or quote style.
 */
export function compareKey(text: string): string {
  const lower = squeeze(text).toLowerCase();
  // Most lines hold no dash or quote to unify: one scan tells, instead of three rewrites.
  const unified = KEY_TYPOGRAPHY.test(lower)
    ? lower
        .replace(/[\u2010-\u2015\u2212]/g, '-')
        .replace(/[\u2018\u2019\u201a\u201b`´]/g, "'")
        .replace(/[\u201c\u201d\u201e\u00ab\u00bb]/g, '"')
    : lower;
  // Same as dropping /^[\s"'.,:;!?-]+|[\s"'.,:;!?-]+$/g, without the regular expression's scan of every position.
  let start = 0;
  let end = unified.length;
  while (start < end && isKeyEdge(unified.charCodeAt(start))) start += 1;
  while (end > start && isKeyEdge(unified.charCodeAt(end - 1))) end -= 1;
  return start === 0 && end === unified.length ? unified : unified.slice(start, end);
}

/**
 * Escapes text for an HTML text node or a double-quoted attribute; text nodes only, as the sanitizer writes them
 * (one definition of each, in the content policy).
 */
export { escapeHtml, escapeHtmlText } from '../core/content-policy.js';

/** True for a closing quote or bracket that may follow the final punctuation of a sentence, or white space (`\s`). */
function isTrailingCloser(code: number): boolean {
  switch (code) {
    case 0x20:
    case 0x22:
    case 0x27:
    case 0x29:
    case 0x5d:
    case 0x201d:
    case 0x2019:
    case 0xbb:
      return true;
    default:
      return isWhiteSpace(code);
  }
}

/** True for a code unit that `\s` matches. */
function isWhiteSpace(code: number): boolean {
  return (isSqueezeSpace(code) && code !== 0x200b) || code === 0x20;
}

/**
 * The last code unit of the text before its closing quotes, brackets and white space; NaN when nothing is left.
 * Read from the end: a regular expression anchored at the end would try every position of a long paragraph.
 */
function lastBeforeClosers(text: string): number {
  let end = text.length;
  while (end > 0 && isTrailingCloser(text.charCodeAt(end - 1))) end -= 1;
  return text.charCodeAt(end - 1);
}

/** True when the text ends as a question does, looking past closing quotes. */
export function endsWithQuestion(text: string): boolean {
  const last = lastBeforeClosers(text);
  return last === 0x3f || last === 0xff1f || last === 0x61f;
}

/** True when the text ends with sentence punctuation, looking past closing quotes. */
export function endsSentence(text: string): boolean {
  switch (lastBeforeClosers(text)) {
    case 0x2e:
    case 0x21:
    case 0x3f:
    case 0x2026:
    case 0xff1f:
    case 0x3a:
    case 0x3b:
      return true;
    default:
      return false;
  }
}

/** Number of words, counted on white space. */
export function wordCount(text: string): number {
  const trimmed = text.trim();
  return trimmed === '' ? 0 : trimmed.split(/\s+/).length;
}

/** The share of items for which the predicate holds; 0 for an empty list. */
export function share<T>(items: readonly T[], predicate: (item: T) => boolean): number {
  if (items.length === 0) return 0;
  return items.filter(predicate).length / items.length;
}

export { escapeRegExp } from '../core/regexp.js';

/**
 * The first sentences of a text, cut at a sentence end so that the result stays under `max` characters
 * (a single over-long sentence is cut at a word boundary and marked with an ellipsis).
 */
export function leadSentences(text: string, max = 300): string {
  const flat = squeeze(text);
  if (flat.length <= max) return flat;
  // Sentence after sentence from the start (sticky: a text without a sentence end is read once, not from every position).
  const sentence = /[^.!?\u2026]+[.!?\u2026]+["'\u201d\u00bb)]*\s*/y;
  let out = '';
  for (let m = sentence.exec(flat); m; m = sentence.exec(flat)) {
    if ((out + m[0]).trim().length > max) break;
    out += m[0];
  }
  if (out.trim() !== '') return out.trim();
  const cut = flat.slice(0, max - 1);
  return `${cut.slice(0, Math.max(cut.lastIndexOf(' '), 1))}\u2026`;
}

/** Reduces a declared tag (`en-US`, `az_Latn_AZ`, `RU`) to its ISO 639-1 code; null when it is not one. */
export function normalizeLanguageTag(tag: string | null | undefined): string | null {
  const code = (tag ?? '').trim().toLowerCase().split(/[-_]/)[0] ?? '';
  return /^[a-z]{2}$/.test(code) ? code : null;
}
