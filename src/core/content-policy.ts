/**
 * What a republished item may carry besides addresses (those are `url-policy.ts`'s): `contentHtml` passes the one
 * allow-list sanitizer, {@link sanitizeContentHtml}; every other text field is plain text ({@link plainText} at
 * ingest, {@link stripMarkup} as the outputs' defence). Used at normalization and again by every output, so a
 * story stored by an older version or written through the API leaves as safe as a new one: a body the sanitizer
 * wrote is proved clean by one linear scan ({@link isSanitizedContentHtml}) and leaves as it is; any other is
 * sanitized again. Pure.
 *
 * Why the sanitizer resists mutation XSS (markup that a browser parses differently from the sanitizer, such as
 * `<noscript><p title="</noscript><img …>">` or `<svg><style><img …>`): no element it keeps is a raw-text element
 * (script, style, xmp, noscript, textarea, title, …) or foreign content (SVG, MathML), every kept attribute value
 * and text is re-escaped, and so the serialized result parses the same way in every HTML parser.
 */
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';
import { safeUrl } from './url-policy.js';

/** Elements a body may keep: structure, inline emphasis, links, pictures, lists, quotes, tables. */
const ALLOWED_TAGS = [
  'p',
  'br',
  'hr',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'strong',
  'b',
  'em',
  'i',
  'u',
  's',
  'sub',
  'sup',
  'a',
  'ul',
  'ol',
  'li',
  'blockquote',
  'figure',
  'figcaption',
  'img',
  'code',
  'pre',
  'span',
  'abbr',
  'q',
  'cite',
  'small',
  'mark',
  'time',
  'div',
  'dl',
  'dt',
  'dd',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'th',
  'td',
  'caption',
];

/** Attributes per element; no `style`, no `on*`, no `srcset`, `xlink:href`, `formaction`, `background`, `data-*`. */
const ALLOWED_ATTRIBUTES: sanitizeHtml.IOptions['allowedAttributes'] = {
  a: ['href', 'title'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  time: ['datetime'],
  abbr: ['title'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  '*': ['class'],
};

/** The classes of the one interview markup (`render.ts`, `render-feed.ts`); no other class survives. */
const ALLOWED_CLASSES: sanitizeHtml.IOptions['allowedClasses'] = {
  p: ['q', 'a', 'interviewee'],
  div: ['syndicate-interview', 'intro'],
  dl: ['qa'],
  dt: ['question'],
  dd: ['answer'],
};

/**
 * Elements whose text is dropped with them: code, styles, raw-text and foreign-content containers. Frames and
 * objects are not among them: their tags go, but what they hold is the fallback a reader without them sees
 * ("safe<iframe> <b>description</b></iframe>" keeps "<b>description</b>", as feed readers show it).
 */
const NON_TEXT_TAGS = ['script', 'style', 'textarea', 'option', 'noscript', 'xmp', 'noembed', 'noframes', 'plaintext', 'title', 'template', 'svg', 'math'];

/** Keeps an element's address attribute only when the URL policy does, made absolute against `baseUrl`. */
function addressOf(attr: string, baseUrl: string | undefined, allowMailto: boolean): sanitizeHtml.Transformer {
  return (tagName, attribs) => {
    const next = { ...attribs };
    const kept = safeUrl(attribs[attr], { base: baseUrl, allowMailto });
    if (kept === null) delete next[attr];
    else next[attr] = kept;
    return { tagName, attribs: next };
  };
}

/**
 * The one allow-list sanitizer for `contentHtml`: only the elements, attributes and interview classes above survive;
 * every link and picture address passes the URL policy (absolute `http`/`https`; `mailto` on links) or is dropped,
 * and a picture left without an address goes. Idempotent: sanitizing its own output changes nothing.
 */
export function sanitizeContentHtml(html: string, baseUrl?: string): string {
  if (!html) return '';
  // Stored bodies are the sanitizer's own output: proving that (one linear scan) costs a fraction of sanitizing.
  return isSanitizedContentHtml(html, baseUrl) ? html : rewriteContentHtml(html, baseUrl);
}

/** {@link sanitizeContentHtml} without its proof that the body is already clean: always parses and rewrites. */
export function rewriteContentHtml(html: string, baseUrl?: string): string {
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: ALLOWED_ATTRIBUTES,
    allowedClasses: ALLOWED_CLASSES,
    allowedSchemes: ['http', 'https', 'mailto'],
    allowedSchemesByTag: { img: ['http', 'https'] },
    allowProtocolRelative: false,
    nonTextTags: NON_TEXT_TAGS,
    parseStyleAttributes: false,
    transformTags: { a: addressOf('href', baseUrl, true), img: addressOf('src', baseUrl, false) },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  }).trim();
}

const ALLOWED_TAG_SET = new Set(ALLOWED_TAGS);
/** The allowed elements the parser closes at once, which the sanitizer writes as `<br />`. */
const VOID_TAGS = new Set(['br', 'hr', 'img']);
/** Attributes allowed on every element. */
const ANY_ELEMENT_ATTRIBUTES = new Set(ALLOWED_ATTRIBUTES['*'] as string[]);
const ELEMENT_ATTRIBUTES = new Map(
  Object.entries(ALLOWED_ATTRIBUTES)
    .filter(([tag]) => tag !== '*')
    .map(([tag, names]) => [tag, new Set(names as string[])]),
);
const CLASSES = new Map(Object.entries(ALLOWED_CLASSES as Record<string, string[]>).map(([tag, names]) => [tag, new Set(names)]));

/**
 * What the sanitizer's HTML parser (htmlparser2) closes by itself when an element opens: opening the key while the
 * innermost open element is one of the values. Only the allowed elements are listed.
 */
const BLOCKS_CLOSING_P = ['p', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'div', 'dl', 'figcaption', 'figure', 'hr', 'ol', 'pre', 'table', 'ul'];
const OPEN_IMPLIES_CLOSE = new Map<string, Set<string>>([
  ...BLOCKS_CLOSING_P.map((tag): [string, Set<string>] => [tag, new Set(['p'])]),
  ['tr', new Set(['tr', 'th', 'td'])],
  ['th', new Set(['th'])],
  ['td', new Set(['thead', 'th', 'td'])],
  ['li', new Set(['li'])],
  ['dd', new Set(['dd', 'dt'])],
  ['dt', new Set(['dd', 'dt'])],
  ['tbody', new Set(['thead', 'tbody'])],
  ['tfoot', new Set(['thead', 'tbody'])],
]);

// The sanitizer's output, token by token: text with `&`, `<` and `>` escaped (as `&amp;`, `&lt;`, `&gt;`, the
// only entities it writes); an opening tag in lower case with double-quoted, escaped attribute values (`&quot;`
// too), ` />` closing a void element; a closing tag. Anything else (comments, other entities, bare attributes,
// upper case) is not the sanitizer's writing.
const TEXT = /[^<>&]*(?:&(?:amp|lt|gt);[^<>&]*)*/y;
const TAG = /<(\/?)([a-z][a-z0-9]*)((?: [a-z]+="[^"<>&]*(?:&(?:amp|lt|gt|quot);[^"<>&]*)*")*)( \/)?>/y;
const ATTRIBUTE = / ([a-z]+)="([^"]*)"/g;
const ESCAPED = /&(amp|lt|gt|quot);/g;
const UNESCAPED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"' };

/** An opening tag's attributes as the sanitizer would keep them, unchanged; null when it would change one. */
function attributesKept(tag: string, written: string, baseUrl: string | undefined): Map<string, string> | null {
  const attributes = new Map<string, string>();
  for (const [, name, escaped] of written.matchAll(ATTRIBUTE)) {
    const value = escaped!.replace(ESCAPED, (_m, entity: string) => UNESCAPED[entity]!);
    if (attributes.has(name!) || !(ANY_ELEMENT_ATTRIBUTES.has(name!) || ELEMENT_ATTRIBUTES.get(tag)?.has(name!))) return null;
    // An empty value is written bare (or dropped, for a class), except alt="".
    if (value === '' && name !== 'alt') return null;
    if (name === 'class') {
      const allowed = CLASSES.get(tag);
      if (
        allowed &&
        value
          .split(/\s+/)
          .filter((cls) => allowed.has(cls))
          .join(' ') !== value
      )
        return null;
    }
    if ((tag === 'a' && name === 'href') || (tag === 'img' && name === 'src')) {
      if (safeUrl(value, { base: baseUrl, allowMailto: tag === 'a' }) !== value) return null;
    }
    attributes.set(name!, value);
  }
  return attributes;
}

/**
 * Whether `html` is already what {@link sanitizeContentHtml} makes of it (a fixed point of the sanitizer), proved by
 * one linear scan instead of a parse and rewrite: only allowed elements, each attribute allowed and its address
 * kept by the URL policy, text escaped as the sanitizer escapes it, elements closed in order, none that the
 * parser would close or drop by itself. False means "not proved", and the sanitizer runs. Stored bodies are the
 * sanitizer's output, so every output that carries one (feeds, the API, webhook events) takes this path.
 */
export function isSanitizedContentHtml(html: string, baseUrl?: string): boolean {
  if (html !== html.trim()) return false;
  const open: string[] = [];
  let at = 0;
  while (at < html.length) {
    TEXT.lastIndex = at;
    TEXT.exec(html);
    at = TEXT.lastIndex;
    if (at === html.length) break;
    TAG.lastIndex = at;
    const tag = TAG.exec(html);
    if (!tag) return false;
    at = TAG.lastIndex;
    const [, closing, name, written, selfClosing] = tag as unknown as [string, string, string, string, string | undefined];
    if (!ALLOWED_TAG_SET.has(name)) return false;
    if (closing) {
      if (written || selfClosing || open.pop() !== name) return false;
      continue;
    }
    if (open.length > 0 && OPEN_IMPLIES_CLOSE.get(name)?.has(open[open.length - 1]!)) return false;
    if (VOID_TAGS.has(name) !== (selfClosing !== undefined)) return false;
    const attributes = attributesKept(name, written, baseUrl);
    if (!attributes || (name === 'img' && !attributes.has('src'))) return false;
    if (!selfClosing) open.push(name);
  }
  return open.length === 0;
}

// A tag, comment, doctype or processing instruction starts, for any HTML reader, with `<` and a letter, `/`, `!`
// or `?`. A space after the `<` makes it text for every reader and keeps what the source wrote readable.
const TAG_START = /<(?=[A-Za-z!/?])/g;

/**
 * Makes sure a plain-text field holds nothing an HTML reader would take for markup: each `<` that would open a
 * tag, comment or doctype gets a space after it (`< b>`), so literal text such as "the <blink> tag" stays legible
 * and inert. Entities are left alone, so text already plain comes back unchanged: the outputs apply it to stored
 * items, and applying it twice changes nothing.
 */
export function stripMarkup(text: string): string {
  return text.replace(TAG_START, '< ');
}

/** Elements whose content is never text a reader sees (a frame's or object's content is its fallback, which is). */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'head', 'title']);
/** Foreign content, where `<title>` is the drawing's own text (an SVG's accessible name), not the page's title. */
const FOREIGN = new Set(['svg', 'math']);
/** Elements that part words: their boundaries become spaces in plain text. */
const BREAKING = /^(?:br|p|div|li|ul|ol|tr|td|th|h[1-6]|blockquote|pre|section|article|table|dd|dt|hr|img)$/;

/** The text a reader sees in an HTML fragment: tags dropped, hidden elements' content dropped, entities decoded. */
export function htmlToText(html: string): string {
  if (!/[<&]/.test(html)) return html.replace(/\s+/g, ' ').trim();
  let out = '';
  let hidden = 0;
  let foreign = 0;
  const hides = (name: string): boolean => HIDDEN.has(name) && !(foreign > 0 && name === 'title');
  const parser = new Parser(
    {
      onopentag(name) {
        if (hides(name)) hidden++;
        else if (FOREIGN.has(name)) foreign++;
        else if (BREAKING.test(name)) out += ' ';
      },
      onclosetag(name) {
        if (hides(name)) hidden = Math.max(0, hidden - 1);
        else if (FOREIGN.has(name)) foreign = Math.max(0, foreign - 1);
        else if (BREAKING.test(name)) out += ' ';
      },
      ontext(text) {
        if (!hidden) out += text;
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(html);
  return out.replace(/\s+/g, ' ').trim();
}

/**
 * A source's title, summary, category or author name as plain text: what a reader sees of it as HTML
 * ({@link htmlToText}: elements removed, script and style contents with them, entities decoded, white space
 * collapsed), with nothing left that a reader could take for a tag ({@link stripMarkup}).
 */
export function plainText(value: string | null | undefined): string {
  return value ? stripMarkup(htmlToText(value)) : '';
}

/** What {@link escapeHtmlText} rewrites. */
const HTML_TEXT_SPECIAL = /[&<>]/;

/**
 * Text made safe as HTML character data, escaped exactly as the sanitizer writes text (`&`, `<`, `>`; quotes stay),
 * so a body built from it can be proved clean ({@link isSanitizedContentHtml}) instead of sanitized. Not for
 * attribute values: {@link escapeHtml}.
 */
export function escapeHtmlText(text: string): string {
  // Most text holds none of the three: one scan tells, instead of three rewrites.
  return HTML_TEXT_SPECIAL.test(text) ? text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;') : text;
}

/** Text made safe as HTML character data or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
