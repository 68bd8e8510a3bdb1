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

/** A leniently read document: its root element (null when it has none) and what was wrong with it. */
export interface LenientDocument {
  root: XmlElement | null;
  warnings: string[];
}

/** Takes the DOCTYPE out (its internal subset confuses a tag tokenizer) and keeps the entities it declares. */
function takeDoctype(text: string): { body: string; entities: Map<string, string> } {
  const entities = new Map<string, string>();
  // Only in the prolog: "<!DOCTYPE" inside a CDATA section later on is text.
  const body = text.replace(
    /^((?:\s|<\?[\s\S]*?\?>|<!--[\s\S]*?-->)*)<!DOCTYPE\s[^[>]*(?:\[([\s\S]*?)\]\s*)?>/i,
    (_whole, prolog: string, subset: string | undefined) => {
      for (const m of (subset ?? '').matchAll(/<!ENTITY\s+([\w.-]+)\s+(?:"([^"]*)"|'([^']*)')\s*>/g)) entities.set(m[1]!, m[2] ?? m[3] ?? '');
      return prolog;
    },
  );
  for (const value of entities.values()) {
    for (const m of value.matchAll(/&([\w.-]+);/g))
      if (entities.has(m[1]!)) throw new NestedEntitiesError(`entity &${m[1]}; is used inside another entity's declaration`);
  }
  return { body, entities };
}

/**
 * Reads an XML document leniently. Throws only {@link NestedEntitiesError}: entities are expanded one level, never
 * recursively, and a document that declares nested ones is not read at all.
 */
export function readXmlLeniently(text: string): LenientDocument {
  const { body, entities } = takeDoctype(text.replace(/^\uFEFF/, ''));
  const decode = (raw: string): string => {
    if (!raw.includes('&')) return raw;
    const expanded = entities.size ? raw.replace(/&([\w.-]+);/g, (whole, name: string) => entities.get(name) ?? whole) : raw;
    return decodeHTMLStrict(expanded);
  };
  const problems = new Map<string, number>();
  const note = (problem: string) => problems.set(problem, (problems.get(problem) ?? 0) + 1);

  let root: XmlElement | null = null;
  const stack: Array<{ element: XmlElement; scope: Map<string, string> }> = [];
  let rootPrefix: string | null = null;
  let inCdata = false;

  const resolve = (qname: string, scope: Map<string, string>, isAttribute: boolean): string => {
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
    if (!isAttribute && prefix === rootPrefix) return local;
    return prefix ? `${prefix}:${local}` : local;
  };

  const parser = new Parser(
    {
      onopentag(qname, attribs) {
        const parent = stack[stack.length - 1];
        let scope = parent?.scope ?? new Map<string, string>();
        const declarations = Object.entries(attribs).filter(([key]) => key === 'xmlns' || key.startsWith('xmlns:'));
        if (declarations.length) {
          scope = new Map(scope);
          for (const [key, value] of declarations) scope.set(key === 'xmlns' ? '' : key.slice(6).toLowerCase(), decode(value));
        }
        if (!parent && root === null) {
          const colon = qname.indexOf(':');
          const prefix = colon >= 0 ? qname.slice(0, colon).toLowerCase() : '';
          const uri = scope.get(prefix);
          const known = uri === undefined ? undefined : knownPrefix(uri);
          rootPrefix = known === undefined || known === '' ? prefix : null;
        }
        const attrs: Record<string, string> = {};
        for (const [key, value] of Object.entries(attribs)) attrs[key.startsWith('xmlns') ? key.toLowerCase() : resolve(key, scope, true)] = decode(value);
        const colon = qname.indexOf(':');
        const element = new XmlElement(resolve(qname, scope, false), colon >= 0 ? qname.slice(colon + 1) : qname, attrs, decode);
        if (parent) parent.element.kids.push(element);
        else if (root === null) root = element;
        else note('content after the root element');
        stack.push({ element, scope });
      },
      onclosetag(qname, isImplied) {
        stack.pop();
        // htmlparser2 calls a self-closing tag's close implied too: only one that no "/>" ends was left open.
        const end = parser.endIndex;
        if (isImplied && !(body[end] === '>' && body[end - 1] === '/')) note(`unclosed <${qname}>`);
      },
      ontext(raw) {
        const parent = stack[stack.length - 1];
        if (!parent) return;
        if (!inCdata) {
          for (const m of raw.matchAll(/&(?:([A-Za-z_][\w.-]*);|#\d+;|#x[0-9A-Fa-f]+;)?/g)) {
            if (m[0] === '&') note('unescaped &');
            else if (m[1] && !XML_ENTITIES.has(m[1]) && !entities.has(m[1])) note(`undeclared entity &${m[1]};`);
          }
        }
        const last = parent.element.kids[parent.element.kids.length - 1];
        if (last && !(last instanceof XmlElement) && last.cdata === inCdata) last.raw += raw;
        else parent.element.kids.push({ raw, cdata: inCdata });
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
    },
    { xmlMode: true, decodeEntities: false, recognizeCDATA: true, recognizeSelfClosing: true },
  );
  parser.end(body);

  const warnings = [...problems].map(([problem, count]) => (count > 1 ? `${problem} (${count} times)` : problem));
  return { root, warnings };
}
