import { decodeHTMLStrict } from 'entities';
import { Parser } from 'htmlparser2';
import type { FieldNode } from './feed-fields.js';
import { escapeHtml } from './text.js';

/**
 * The lenient reader: reads an XML feed document the way a forgiving reader does, with htmlparser2's XML mode
 * (which never gives up), and notes what a strict parser would have refused. Undeclared HTML entities (`&nbsp;`,
 * `&eacute;`) are decoded, entities declared in the DOCTYPE are expanded, unclosed elements are closed at the end,
 * a bare `&` stays a character, and namespaces are resolved to their usual prefixes whatever the document calls
 * them (`<r:rss xmlns:r="http://backend.userland.com/rss2">` is `rss`). Pure.
 */

/** Known namespaces by URI (lower case) → the prefix the field mapper uses ('' for the feed vocabularies). */
const NAMESPACES: Record<string, string> = {
  'http://purl.org/dc/elements/1.1/': 'dc',
  'http://purl.org/dc/terms/': 'dcterms',
  'http://purl.org/rss/1.0/modules/content/': 'content',
  'http://purl.org/rss/1.0/modules/syndication/': 'sy',
  'http://www.w3.org/2005/atom': '',
  'http://purl.org/atom/ns#': '',
  'http://search.yahoo.com/mrss/': 'media',
  'http://purl.org/atompub/tombstones/1.0': 'at',
  'http://search.yahoo.com/mrss': 'media',
  'http://www.itunes.com/dtds/podcast-1.0.dtd': 'itunes',
  'http://www.w3.org/1999/02/22-rdf-syntax-ns#': 'rdf',
  'http://www.w3.org/1999/xhtml': 'xhtml',
  'http://www.w3.org/xml/1998/namespace': 'xml',
  'http://purl.org/rss/1.0/': '',
  'http://my.netscape.com/rdf/simple/0.9/': '',
  'http://backend.userland.com/rss2': '',
  'http://backend.userland.com/rss': '',
  'http://blogs.law.harvard.edu/tech/rss': '',
};

/** The prefix the mapper knows a namespace URI by, or undefined for a namespace it does not know. */
export const knownPrefix = (uri: string): string | undefined => NAMESPACES[uri.trim().toLowerCase()];

const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'param', 'source', 'track', 'wbr']);
const XML_ENTITIES = new Set(['amp', 'lt', 'gt', 'quot', 'apos']);

interface TextPiece {
  raw: string;
  cdata: boolean;
}

/** One element of a leniently read document. */
export class XmlElement implements FieldNode {
  readonly kids: Array<XmlElement | TextPiece> = [];

  constructor(
    /** Canonical name: lower case, known namespaces under their usual prefix. */
    readonly name: string,
    /** Local name as written, for serializing inline XHTML. */
    readonly localName: string,
    readonly attrs: Record<string, string>,
    private readonly decode: (raw: string) => string,
  ) {}

  /** The child elements with this canonical name, in document order. */
  children(name: string): XmlElement[] {
    return this.kids.filter((k): k is XmlElement => k instanceof XmlElement && k.name === name);
  }

  /** Every child element, in document order. */
  elements(): XmlElement[] {
    return this.kids.filter((k): k is XmlElement => k instanceof XmlElement);
  }

  /** Whether any child is an element (not only text). */
  hasElements(): boolean {
    return this.kids.some((k) => k instanceof XmlElement);
  }

  /** The text content, entities decoded and CDATA as written, child elements' text included. */
  text(): string {
    return this.kids.map((k) => (k instanceof XmlElement ? k.text() : k.cdata ? k.raw : this.decode(k.raw))).join('');
  }

  /** The content serialized as HTML (child elements as markup, text escaped): inline markup such as Atom's `type="xhtml"`. */
  innerHtml(): string {
    return this.kids.map((k) => (k instanceof XmlElement ? k.outerHtml() : escapeHtml(k.cdata ? k.raw : this.decode(k.raw)))).join('');
  }

  private outerHtml(): string {
    const name = this.localName.toLowerCase();
    const attrs = Object.entries(this.attrs)
      .filter(([key]) => !key.startsWith('xmlns') && !key.startsWith('xml:'))
      .map(([key, value]) => ` ${key.replace(/^[^:]*:/, '')}="${escapeHtml(value)}"`)
      .join('');
    return VOID.has(name) ? `<${name}${attrs}>` : `<${name}${attrs}>${this.innerHtml()}</${name}>`;
  }
}

/** Thrown for a DOCTYPE whose entities nest: the shape of an entity-expansion ("billion laughs") attack. */
export class NestedEntitiesError extends Error {}

/** Thrown for a document whose elements nest deeper than the reader follows. */
export class TooDeepError extends Error {}

/** Thrown when a document's entity references expand, in all, past the cap. */
export class EntityExpansionError extends Error {}

/** How far the lenient reader goes before it refuses a document. */
export interface LenientLimits {
  /** Deepest element nesting read; deeper refuses the document ({@link TooDeepError}). */
  maxDepth: number;
  /** Characters all declared-entity references may expand to, in all ({@link EntityExpansionError}). */
  maxExpandedChars: number;
  /**
   * Child elements kept per element: later ones are skipped unread, with a warning (200 000 `<item>`s or
   * `<category>`s cost their tokenizing, not a tree). Unlimited when absent.
   */
  maxChildren?: number;
}

const NO_LIMITS: LenientLimits = { maxDepth: Infinity, maxExpandedChars: Infinity };

/** A leniently read document: its root element (null when it has none) and what was wrong with it. */
export interface LenientDocument {
  root: XmlElement | null;
  warnings: string[];
}

/** What opens an XML document: where its DOCTYPE is (with its internal subset) and its first element. */
export interface XmlProlog {
  /** The DOCTYPE declaration's start and end offsets, and its internal subset; null when there is none. */
  doctype: { start: number; end: number; subset: string } | null;
  /** The first element's name and the raw text of its attributes; null when the prolog is followed by no element. */
  root: { name: string; attrs: string } | null;
}

const NAME = /[A-Za-z_][\w.:-]*/y;

/**
 * Reads the prolog (white space, the XML declaration, processing instructions, comments, the DOCTYPE) up to the
 * first element, within the first `limit` characters. A scanner, not one regular expression: each construct ends
 * at the first occurrence of its closing mark (`indexOf`), so the time is linear whatever the prolog holds (a
 * pattern such as `(?:<!--[\s\S]*?-->)*<x` backtracks exponentially over many comments).
 */
export function readProlog(text: string, limit = 65_536): XmlProlog {
  const end = Math.min(text.length, limit);
  let doctype: XmlProlog['doctype'] = null;
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (at < end) {
    const code = text.charCodeAt(at);
    if (code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d) {
      at++;
      continue;
    }
    if (code !== 0x3c /* < */) return { doctype, root: null };
    const close = (mark: string, from: number) => {
      const found = text.indexOf(mark, from);
      return found < 0 || found >= end ? -1 : found + mark.length;
    };
    let next: number;
    if (text.startsWith('<?', at)) next = close('?>', at + 2);
    else if (text.startsWith('<!--', at)) next = close('-->', at + 4);
    else if (/^<!DOCTYPE/i.test(text.slice(at, at + 9))) {
      // The internal subset, if any, is everything between the first '[' and the ']' before the closing '>'.
      const bracket = text.indexOf('[', at);
      const gt = text.indexOf('>', at);
      if (bracket >= 0 && (gt < 0 || bracket < gt)) {
        // The subset ends at a ']' followed by '>' (white space between): a ']' inside an entity's value does not end it.
        let subsetEnd = text.indexOf(']', bracket);
        while (subsetEnd >= 0 && !/^\][ \t\r\n]{0,64}>/.test(text.slice(subsetEnd, subsetEnd + 66))) subsetEnd = text.indexOf(']', subsetEnd + 1);
        next = subsetEnd < 0 ? -1 : close('>', subsetEnd);
        if (next >= 0) doctype = { start: at, end: next, subset: text.slice(bracket + 1, subsetEnd) };
      } else {
        next = close('>', at);
        if (next >= 0) doctype = { start: at, end: next, subset: '' };
      }
    } else {
      NAME.lastIndex = at + 1;
      const name = NAME.exec(text);
      if (!name) return { doctype, root: null };
      const gt = text.indexOf('>', NAME.lastIndex);
      if (gt < 0 || gt >= end) return { doctype, root: null };
      return { doctype, root: { name: name[0], attrs: text.slice(NAME.lastIndex, gt) } };
    }
    if (next < 0) return { doctype, root: null };
    at = next;
  }
  return { doctype, root: null };
}

/**
 * Whether a document's elements nest deeper than `maxDepth`, by a scan of its tags (CDATA sections, comments and
 * processing instructions skipped). Linear: each step jumps to the next '<' or past the construct it opens.
 */
export function nestsDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  for (let at = text.indexOf('<'); at >= 0; at = text.indexOf('<', at + 1)) {
    const next = text.charCodeAt(at + 1);
    if (next === 0x2f /* / */) depth--;
    else if (next === 0x21 /* ! */) {
      const end = text.startsWith('<![CDATA[', at) ? text.indexOf(']]>', at) : text.startsWith('<!--', at) ? text.indexOf('-->', at) : at;
      if (end < 0) return false;
      at = end;
    } else if (next !== 0x3f /* ? */) {
      const close = text.indexOf('>', at);
      if (close < 0) return false;
      if (text.charCodeAt(close - 1) !== 0x2f && ++depth > maxDepth) return true;
      at = close;
    }
  }
  return false;
}

/** One entity declaration of an internal subset; a value stops at '<', so a search over a long subset stays linear. */
const ENTITY_DECLARATION = /<!ENTITY\s+([\w.-]+)\s+(?:"([^"<]*)"|'([^'<]*)')\s*>/g;

/** Takes the DOCTYPE out (its internal subset confuses a tag tokenizer) and keeps the entities it declares. */
function takeDoctype(text: string): { body: string; entities: Map<string, string> } {
  const entities = new Map<string, string>();
  // Only in the prolog: "<!DOCTYPE" inside a CDATA section later on is text.
  const { doctype } = readProlog(text, text.length);
  if (!doctype) return { body: text, entities };
  for (const m of doctype.subset.matchAll(ENTITY_DECLARATION)) entities.set(m[1]!, m[2] ?? m[3] ?? '');
  const body = text.slice(0, doctype.start) + text.slice(doctype.end);
  for (const value of entities.values()) {
    for (const m of value.matchAll(/&([\w.-]+);/g))
      if (entities.has(m[1]!)) throw new NestedEntitiesError(`entity &${m[1]}; is used inside another entity's declaration`);
  }
  return { body, entities };
}

/** An element being read, with the namespace scope it opened and how many children it has so far. */
interface OpenElement {
  element: XmlElement;
  scope: Map<string, string>;
  children: number;
}

/**
 * Builds the element tree from htmlparser2's events, one named step per event, and notes what a strict parser
 * would have refused. Holds the reading state: the open elements, the subtree being skipped, the entities expanded
 * so far.
 */
class LenientTreeBuilder {
  root: XmlElement | null = null;
  /** Whether the text that comes is inside a CDATA section. */
  inCdata = false;
  private readonly stack: OpenElement[] = [];
  private readonly problems = new Map<string, number>();
  private readonly maxChildren: number;
  /** Open elements of a skipped subtree (0: reading). */
  private skipping = 0;
  /** The root's own prefix when its namespace is not one the mapper knows (its vocabulary is the feed's). */
  private rootPrefix: string | null = null;
  private expandedChars = 0;

  constructor(
    private readonly body: string,
    private readonly entities: Map<string, string>,
    private readonly limits: LenientLimits,
  ) {
    this.maxChildren = limits.maxChildren ?? Infinity;
  }

  /** Decodes an attribute value or a text piece: declared entities expanded (one level), then XML and HTML ones. */
  readonly decode = (raw: string): string => {
    if (!raw.includes('&')) return raw;
    const expanded = this.entities.size ? raw.replace(/&([\w.-]+);/g, this.expand) : raw;
    return decodeHTMLStrict(expanded);
  };

  /** One declared entity's value, counted against `limits.maxExpandedChars`; an undeclared one stays as written. */
  private readonly expand = (whole: string, name: string): string => {
    const value = this.entities.get(name);
    if (value === undefined) return whole;
    this.expandedChars += value.length;
    if (this.expandedChars > this.limits.maxExpandedChars)
      throw new EntityExpansionError(`its entity references expand to more than ${this.limits.maxExpandedChars} characters`);
    return value;
  };

  private note(problem: string): void {
    this.problems.set(problem, (this.problems.get(problem) ?? 0) + 1);
  }

  /** A qualified name under its canonical prefix (see {@link knownPrefix}); an unprefixed attribute has none. */
  private resolve(qname: string, scope: Map<string, string>, isAttribute: boolean): string {
    const lower = qname.toLowerCase();
    const colon = lower.indexOf(':');
    const prefix = colon >= 0 ? lower.slice(0, colon) : '';
    const local = colon >= 0 ? lower.slice(colon + 1) : lower;
    if (isAttribute && !prefix) return local;
    if (prefix === 'xml') return lower;
    const uri = scope.get(prefix);
    const known = uri === undefined ? undefined : knownPrefix(uri);
    if (known !== undefined) return known ? `${known}:${local}` : local;
    // The root's own vocabulary, whatever its namespace, is the feed's (e.g. a private URI for RSS 2.0).
    if (!isAttribute && prefix === this.rootPrefix) return local;
    return prefix ? `${prefix}:${local}` : local;
  }

  /** The parent's namespace scope with the element's own `xmlns` declarations added. */
  private scopeOf(parent: OpenElement | undefined, attribs: Record<string, string>): Map<string, string> {
    let scope = parent?.scope ?? new Map<string, string>();
    const declarations = Object.entries(attribs).filter(([key]) => key === 'xmlns' || key.startsWith('xmlns:'));
    if (declarations.length) {
      scope = new Map(scope);
      for (const [key, value] of declarations) scope.set(key === 'xmlns' ? '' : key.slice(6).toLowerCase(), this.decode(value));
    }
    return scope;
  }

  /** Remembers the root's prefix when its namespace is unknown (or the feed's own), so its vocabulary reads as the feed's. */
  private noteRootPrefix(qname: string, scope: Map<string, string>): void {
    const colon = qname.indexOf(':');
    const prefix = colon >= 0 ? qname.slice(0, colon).toLowerCase() : '';
    const uri = scope.get(prefix);
    const known = uri === undefined ? undefined : knownPrefix(uri);
    this.rootPrefix = known === undefined || known === '' ? prefix : null;
  }

  /** An opening tag: past the depth limit it throws, past the children limit its subtree is skipped. */
  open(qname: string, attribs: Record<string, string>): void {
    if (this.skipping) {
      this.skipping++;
      return;
    }
    if (this.stack.length >= this.limits.maxDepth) throw new TooDeepError(`its elements nest deeper than ${this.limits.maxDepth}`);
    const parent = this.stack[this.stack.length - 1];
    if (parent && ++parent.children > this.maxChildren) {
      this.note(`elements past ${this.maxChildren} in one element left out`);
      this.skipping = 1;
      return;
    }
    const scope = this.scopeOf(parent, attribs);
    if (!parent && this.root === null) this.noteRootPrefix(qname, scope);
    const attrs: Record<string, string> = {};
    for (const [key, value] of Object.entries(attribs))
      attrs[key.startsWith('xmlns') ? key.toLowerCase() : this.resolve(key, scope, true)] = this.decode(value);
    const colon = qname.indexOf(':');
    const element = new XmlElement(this.resolve(qname, scope, false), colon >= 0 ? qname.slice(colon + 1) : qname, attrs, this.decode);
    if (parent) parent.element.kids.push(element);
    else if (this.root === null) this.root = element;
    else this.note('content after the root element');
    this.stack.push({ element, scope, children: 0 });
  }

  /** A closing tag, or one the parser implied (`end`: where it stopped), noted when no "/>" closed it. */
  close(qname: string, isImplied: boolean, end: number): void {
    if (this.skipping) {
      this.skipping--;
      return;
    }
    this.stack.pop();
    // htmlparser2 calls a self-closing tag's close implied too: only one that no "/>" ends was left open.
    if (isImplied && !(this.body[end] === '>' && this.body[end - 1] === '/')) this.note(`unclosed <${qname}>`);
  }

  /** A piece of text: kept raw (decoded when read), its bare `&` and undeclared entities noted outside CDATA. */
  text(raw: string): void {
    const parent = this.stack[this.stack.length - 1];
    if (!parent || this.skipping) return;
    if (!this.inCdata) {
      for (const m of raw.matchAll(/&(?:([A-Za-z_][\w.-]*);|#\d+;|#x[0-9A-Fa-f]+;)?/g)) {
        if (m[0] === '&') this.note('unescaped &');
        else if (m[1] && !XML_ENTITIES.has(m[1]) && !this.entities.has(m[1])) this.note(`undeclared entity &${m[1]};`);
      }
    }
    const last = parent.element.kids[parent.element.kids.length - 1];
    if (last && !(last instanceof XmlElement) && last.cdata === this.inCdata) last.raw += raw;
    else parent.element.kids.push({ raw, cdata: this.inCdata });
  }

  /** What a strict parser would have refused, each once with its count. */
  warnings(): string[] {
    return [...this.problems].map(([problem, count]) => (count > 1 ? `${problem} (${count} times)` : problem));
  }
}

/**
 * Reads an XML document leniently. Throws {@link NestedEntitiesError}: entities are expanded one level, never
 * recursively, and a document that declares nested ones is not read at all; {@link TooDeepError} past
 * `limits.maxDepth`; and, from the elements' text, {@link EntityExpansionError} once declared entities have expanded
 * to more than `limits.maxExpandedChars` in all (a 20 KB entity referenced 40 000 times is 800 MB of text).
 */
export function readXmlLeniently(text: string, limits: LenientLimits = NO_LIMITS): LenientDocument {
  const { body, entities } = takeDoctype(text.replace(/^\uFEFF/, ''));
  const tree = new LenientTreeBuilder(body, entities, limits);
  const parser = new Parser(
    {
      onopentag: (qname, attribs) => tree.open(qname, attribs),
      onclosetag: (qname, isImplied) => tree.close(qname, isImplied, parser.endIndex),
      ontext: (raw) => tree.text(raw),
      oncdatastart: () => {
        tree.inCdata = true;
      },
      oncdataend: () => {
        tree.inCdata = false;
      },
    },
    { xmlMode: true, decodeEntities: false, recognizeCDATA: true, recognizeSelfClosing: true },
  );
  parser.end(body);
  return { root: tree.root, warnings: tree.warnings() };
}
