import { load, type CheerioAPI } from 'cheerio/slim';
import type { AnyNode, Element } from 'domhandler';
import { startsLikeTurn } from './markers.js';
import { absoluteUrl, HTML_OPTIONS } from '../../content/html.js';
import { WIDGET_ATTR } from '../../content/main-content.js';
import { endsSentence, escapeHtmlText, squeeze } from '../../content/text.js';

/** A picture found in the body, before its caption and credit are sorted out. */
export interface RawImage {
  url: string;
  alt: string;
  /** The figure's caption text, credit still inside it. */
  caption: string;
}

/**
 * One paragraph-level piece of the body. Everything downstream (furniture removal, turn extraction,
 * rendering) works on this list, so HTML and plain-text input are handled by the same rules.
 */
export interface Block {
  kind: 'text' | 'heading' | 'image';
  /** Plain text, white space collapsed; not altered otherwise (quotes and dashes stay as written). */
  text: string;
  /** Inline HTML of the block, unsanitized (the renderer sanitizes). */
  html: string;
  /** The whole text is bold (`<strong>`, `<b>`, `**…**`). */
  bold: boolean;
  /** Text of a bold run that opens the block, '' when there is none. */
  leadBold: string;
  image?: RawImage;
}

/** Options for {@link toBlocks}. */
export interface BlockOptions {
  /** Base URL for relative image addresses. */
  baseUrl?: string;
  /** The article's main element (per-source rule): when it matches, only the matching elements are walked. */
  keepSelector?: string;
  /** CSS selectors removed before the walk (per-source rules). */
  removeSelectors?: readonly string[];
}

/** Elements whose content is never article text. */
const JUNK_TAGS = new Set([
  'script',
  'style',
  'noscript',
  'embed',
  'svg',
  'canvas',
  'form',
  'button',
  'input',
  'select',
  'textarea',
  'nav',
  'header',
  'footer',
  'aside',
  'template',
  'link',
  'meta',
  'head',
  'title',
]);

/**
 * Frames and objects: the tags go, what they hold stays, as it is their fallback for readers without them (usually
 * nothing, or a line of text).
 */
const FALLBACK_TAGS = new Set(['iframe', 'object', 'applet']);

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'section',
  'article',
  'main',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'ul',
  'ol',
  'li',
  'dl',
  'dt',
  'dd',
  'blockquote',
  'figure',
  'figcaption',
  'table',
  'thead',
  'tbody',
  'tfoot',
  'tr',
  'td',
  'th',
  'pre',
  'hr',
  'address',
  'details',
  'summary',
  'center',
  'picture',
]);

const BOLD_TAGS = new Set(['strong', 'b']);

/**
 * Recognises HTML by its tags; anything else is plain text with blank-line paragraphs. Any complete tag counts:
 * a body holding only `<script>`, `<iframe>` or `<code>` is HTML too, and must not reach the text as markup.
 */
export function looksLikeHtml(body: string): boolean {
  return /<\/?[a-z][a-z0-9-]*(?:\s[^<>]*)?\/?>|<!--|<!\[CDATA\[/i.test(body);
}

/**
 * Splits a body into paragraph blocks. `body` may be HTML (a feed's `content:encoded`, a page's article
 * element) or plain text whose paragraphs are separated by blank lines.
 */
export function toBlocks(body: string, options: BlockOptions = {}): Block[] {
  return looksLikeHtml(body) ? htmlBlocks(body, options) : textBlocks(body);
}

/** What a text node's reading rewrites: a run of white space other than one space, or a character HTML escapes. */
const TEXT_TO_REWRITE = /[^\S ]| {2}|[&<>]/;

/**
 * A text node's text, each run of white space (`\s`) as one space, and that text escaped as HTML: one scan tells
 * when both are the node's text itself, as they mostly are.
 */
function readTextNode(data: string): { text: string; html: string } {
  if (!TEXT_TO_REWRITE.test(data)) return { text: data, html: data };
  const text = data.replace(/\s+/g, ' ');
  return { text, html: escapeHtmlText(text) };
}

/** One visual line inside a paragraph, as text plus the matching inline HTML. */
interface Line {
  text: string;
  html: string;
  bold: boolean;
  leadBold: string;
}

/** A line under construction: segments of text with their boldness. */
interface LineDraft {
  parts: { text: string; bold: boolean }[];
  html: string;
}

function finishLine(draft: LineDraft): Line | null {
  const text = squeeze(draft.parts.map((p) => p.text).join(''));
  if (text === '') return null;
  const visible = draft.parts.filter((p) => p.text.trim() !== '');
  let leadBold = '';
  for (const part of visible) {
    if (!part.bold) break;
    leadBold += part.text;
  }
  leadBold = squeeze(leadBold);
  return { text, html: draft.html.trim(), bold: leadBold === text, leadBold };
}

/**
 * Turns the lines of one paragraph into blocks. Lines stay separate when they are different things (a
 * line opening a turn, a bold question over a plain answer, a column of short widget words); otherwise
 * they are one paragraph broken by the site's markup.
 */
function linesToBlocks(lines: (Line | null)[], kind: Block['kind']): Block[] {
  const groups: Line[][] = [[]];
  for (const line of lines) {
    if (line === null) groups.push([]);
    else groups[groups.length - 1]!.push(line);
  }
  const blocks: Block[] = [];
  for (const group of groups) {
    if (group.length === 0) continue;
    const separate =
      group.length > 1 &&
      (group.slice(1).some((l) => startsLikeTurn(l.text)) ||
        group.some((l) => l.bold !== group[0]!.bold) ||
        // A column of widget words ("Chosen", "3", "news.az"): short lines, none ending a sentence.
        group.every((l) => l.text.length <= 40 && !endsSentence(l.text)));
    if (separate) {
      for (const line of group) blocks.push({ kind, ...line });
    } else {
      const text = group.map((l) => l.text).join(' ');
      const bold = group.every((l) => l.bold);
      blocks.push({ kind, text, html: group.map((l) => l.html).join('<br />'), bold, leadBold: bold ? text : group[0]!.leadBold });
    }
  }
  return blocks;
}

/** Plain text: blank lines part paragraphs; `**bold**` and `#` headings of Markdown are understood. */
function textBlocks(body: string): Block[] {
  const blocks: Block[] = [];
  for (const paragraph of body.replace(/\r\n?/g, '\n').split(/\n[ \t\u00a0]*\n/)) {
    let kind: Block['kind'] = 'text';
    const lines = paragraph.split('\n').map((raw): Line | null => {
      let line = raw.trim();
      if (/^#{1,6}\s+/.test(line)) {
        kind = 'heading';
        line = line.replace(/^#{1,6}\s+/, '');
      }
      const whole = /^(?:\*\*|__)(.+)(?:\*\*|__)$/.exec(line);
      const lead = /^(?:\*\*|__)(.+?)(?:\*\*|__)/.exec(line);
      const leadBold = whole ? (whole[1] ?? '') : lead ? (lead[1] ?? '') : '';
      const text = squeeze(line.replace(/\*\*|__/g, ''));
      if (text === '') return null;
      return { text, html: escapeHtmlText(text), bold: whole !== null || kind === 'heading', leadBold: squeeze(leadBold) };
    });
    blocks.push(
      ...linesToBlocks(
        lines.filter((l) => l !== null),
        kind,
      ),
    );
  }
  return blocks;
}

function isElement(node: AnyNode): node is Element {
  return node.type === 'tag' || node.type === 'script' || node.type === 'style';
}

function hasBlockDescendant(el: Element): boolean {
  return el.children.some((c) => isElement(c) && (BLOCK_TAGS.has(c.name) || c.name === 'img' || hasBlockDescendant(c)));
}

/** A table or picture inside a row: the row is layout (a figure with its caption, a nested grid), walked like any block. */
const LAYOUT_ROW_TAGS = new Set(['table', 'img']);

/** Tags that split an inline run into lines or pull a picture out of it. */
const BREAK_TAGS = new Set(['br', 'img']);

/** True when an element below `el` (at any depth) has one of the tag names (what `$(el).find('br,img')` finds). */
function hasDescendantTag(el: Element, names: ReadonlySet<string>): boolean {
  return el.children.some((c) => isElement(c) && (names.has(c.name) || hasDescendantTag(c, names)));
}

/**
 * A CDATA section means nothing in HTML: an HTML reader takes `<![CDATA[` for the start of a comment and would hide
 * the rest of the body in it. Its opener is text, as feed readers show it.
 */
const CDATA_OPENER = /<!\[CDATA\[/g;

function htmlBlocks(body: string, options: BlockOptions): Block[] {
  const $ = load(body.replace(CDATA_OPENER, '&lt;![CDATA['), HTML_OPTIONS, false);
  const root = $.root().get(0) as unknown as { children: AnyNode[] };
  pruneJunk($, root);
  applyExtractionRules($, options);
  const blocks = new HtmlBlockWalker($, options.baseUrl).read(root);
  return blocks.map((b) => (b.kind === 'heading' ? { ...b, bold: true, leadBold: b.text } : b));
}

/**
 * Junk elements and site widgets go with everything inside them; one walk instead of two selector queries (what
 * survives is the same: the nodes with neither a junk element nor a widget above them). Fallback wrappers give way
 * to their contents.
 */
function pruneJunk($: CheerioAPI, parent: { children: AnyNode[] }): void {
  for (const child of [...parent.children]) {
    if (!isElement(child)) continue;
    const { class: className, id } = child.attribs;
    const widget = (className !== undefined || id !== undefined) && WIDGET_ATTR.test(`${className ?? ''} ${id ?? ''}`);
    if (JUNK_TAGS.has(child.name) || widget) {
      $(child).remove();
      continue;
    }
    pruneJunk($, child);
    if (FALLBACK_TAGS.has(child.name)) $(child).replaceWith($(child).contents());
  }
}

/** The source's extraction rules: keep only the main element (when it is there), remove what the selectors name. */
function applyExtractionRules($: CheerioAPI, options: BlockOptions): void {
  if (options.keepSelector) {
    try {
      const selector = options.keepSelector;
      const kept = $(selector).filter((_, el) => $(el).parents(selector).length === 0);
      // A selector matching nothing here (a page's element already picked, a feed body without it) keeps everything.
      if (kept.length > 0 && squeeze(kept.text()) !== '') $.root().empty().append(kept);
    } catch {
      // A malformed selector in the config must not stop the item; the config validator reports it.
    }
  }
  for (const selector of options.removeSelectors ?? []) {
    try {
      $(selector).remove();
    } catch {
      // A malformed selector in the config must not stop the item; the config validator reports it.
    }
  }
}

/** A caption without a picture address of its own: filed with the pictures, kept out of the text. */
const captionOnly = (caption: string): Block => ({ kind: 'image', text: '', html: '', bold: false, leadBold: '', image: { url: '', alt: '', caption } });

/** Reads a pruned document into blocks, in document order: block elements, inline runs, figures, table rows. */
class HtmlBlockWalker {
  private readonly blocks: Block[] = [];

  constructor(
    private readonly $: CheerioAPI,
    private readonly baseUrl: string | undefined,
  ) {}

  read(root: { children: AnyNode[] }): Block[] {
    this.walk(root, false);
    return this.blocks;
  }

  private imageOf(img: Element, caption: string): Block | null {
    const src = img.attribs['src'] || img.attribs['data-src'] || img.attribs['data-original'] || '';
    const url = absoluteUrl(src, this.baseUrl);
    if (url === '') return null;
    const alt = squeeze(img.attribs['alt'] ?? '');
    return { kind: 'image', text: '', html: '', bold: false, leadBold: '', image: { url, alt, caption } };
  }

  /** An inline run: lines split at `<br>`, pictures pulled out ahead of the text. */
  private emitInline(nodes: AnyNode[], kind: Block['kind'], boldContext: boolean): void {
    const $ = this.$;
    const lines: (Line | null)[] = [];
    const images: Block[] = [];
    let draft: LineDraft = { parts: [], html: '' };
    const breakLine = (): void => {
      lines.push(finishLine(draft));
      draft = { parts: [], html: '' };
    };
    const visit = (node: AnyNode, bold: boolean): void => {
      if (node.type === 'text') {
        const { text, html } = readTextNode((node as unknown as { data: string }).data);
        draft.parts.push({ text, bold });
        draft.html += html;
        return;
      }
      if (!isElement(node)) return;
      if (node.name === 'br') {
        breakLine();
        return;
      }
      if (node.name === 'img') {
        const image = this.imageOf(node, '');
        if (image) images.push(image);
        return;
      }
      const childBold = bold || BOLD_TAGS.has(node.name);
      const containsBreak = hasDescendantTag(node, BREAK_TAGS);
      if (containsBreak) {
        for (const child of node.children) visit(child, childBold);
        return;
      }
      draft.parts.push({ text: $(node).text(), bold: childBold });
      draft.html += $.html(node);
    };
    for (const node of nodes) visit(node, boldContext);
    lines.push(finishLine(draft));
    // A double <br> leaves an empty line between two non-empty ones: that is a paragraph break.
    const collapsed: (Line | null)[] = [];
    for (const line of lines) {
      if (line === null && collapsed[collapsed.length - 1] === null) continue;
      collapsed.push(line);
    }
    this.blocks.push(...images, ...linesToBlocks(collapsed, kind));
  }

  private walk(parent: Element | { children: AnyNode[] }, boldContext: boolean): void {
    let inline: AnyNode[] = [];
    const flush = (): void => {
      if (inline.length > 0) this.emitInline(inline, 'text', boldContext);
      inline = [];
    };
    for (const child of parent.children) {
      if (!isElement(child)) {
        inline.push(child);
        continue;
      }
      if (this.isOwnBlock(child)) {
        flush();
        this.emitElement(child, boldContext);
      } else inline.push(child);
    }
    flush();
  }

  /** Whether an element ends the inline run before it: a figure, caption, picture, data row or block element. */
  private isOwnBlock(el: Element): boolean {
    const name = el.name;
    if (name === 'figure' || name === 'figcaption' || name === 'img') return true;
    if (name === 'tr' && !hasDescendantTag(el, LAYOUT_ROW_TAGS)) return true;
    return BLOCK_TAGS.has(name) || hasBlockDescendant(el);
  }

  /** The blocks of one element that stands apart from the inline run (see {@link isOwnBlock}). */
  private emitElement(el: Element, boldContext: boolean): void {
    const $ = this.$;
    const name = el.name;
    if (name === 'figure') {
      const caption = squeeze($(el).find('figcaption').text());
      const img = $(el).find('img').get(0);
      const image = img ? this.imageOf(img, caption) : null;
      if (image) this.blocks.push(image);
      else if (caption !== '') this.blocks.push(captionOnly(caption));
    } else if (name === 'figcaption') {
      // A caption whose picture the page loads by script (or set apart from its figure): still a caption, not text.
      const caption = squeeze($(el).text());
      if (caption !== '') this.blocks.push(captionOnly(caption));
    } else if (name === 'img') {
      const image = this.imageOf(el, '');
      if (image) this.blocks.push(image);
    } else if (name === 'tr' && !hasDescendantTag(el, LAYOUT_ROW_TAGS)) {
      // A table row is one line of data: its cells read together ("3 Kevin Harvick 5033"), not as scraps.
      const cells = el.children.filter((c): c is Element => isElement(c) && (c.name === 'td' || c.name === 'th'));
      const text = squeeze(cells.map((c) => $(c).text()).join(' '));
      if (text !== '')
        this.blocks.push({ kind: 'text', text, html: cells.map((c) => escapeHtmlText(squeeze($(c).text()))).join(' '), bold: false, leadBold: '' });
    } else {
      const bold = boldContext || BOLD_TAGS.has(name);
      if (hasBlockDescendant(el)) this.walk(el, bold);
      else this.emitInline(el.children, /^h[1-6]$/.test(name) ? 'heading' : 'text', bold);
    }
  }
}
