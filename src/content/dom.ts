import { parseHTML } from 'linkedom';

/**
 * The few DOM members the page reader uses, typed here because the project compiles without the DOM library:
 * linkedom's documents (and Mozilla Readability, which works on them) follow the standard DOM.
 */
export interface DomNode {
  readonly nodeType: number;
  textContent: string | null;
  readonly parentNode: DomNode | null;
}

/** An element of a parsed page. */
export interface DomElement extends DomNode {
  readonly tagName: string;
  readonly outerHTML: string;
  readonly innerHTML: string;
  readonly previousElementSibling: DomElement | null;
  readonly children: ArrayLike<DomElement>;
  getAttribute(name: string): string | null;
  hasAttribute(name: string): boolean;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  remove(): void;
  replaceWith(node: DomNode): void;
}

/** A parsed page. */
export interface DomDocument {
  readonly documentElement: DomElement | null;
  readonly head: DomElement | null;
  readonly body: DomElement | null;
  querySelector(selector: string): DomElement | null;
  querySelectorAll(selector: string): ArrayLike<DomElement>;
  createElement(tagName: string): DomElement;
}

/**
 * What never holds article text nor page metadata, cut from the markup before it is parsed: comments,
 * `<style>`, inline `<svg>`, every `<script>` but JSON-LD, and the page furniture HTML names as such
 * (`<nav>`, `<aside>`, `<footer>`, `<iframe>`, `<select>`, `<template>`), which Readability would drop from
 * its result anyway. News pages are mostly scripts (about two thirds of their bytes on real pages), so the DOM
 * built afterwards is a third of the size, and Readability scores fewer nodes: page and all, reading is faster
 * than Readability alone on the raw page. Like an HTML parser, an element ends at its first closing tag.
 */
const NEVER_CONTENT =
  /<!--[^]*?-->|<script(?=[\s/>])(?![^>]*application\/ld\+json)[^>]*>[^]*?<\/script\s*>|<(style|svg|nav|aside|footer|iframe|select|template)(?=[\s/>])[^>]*>[^]*?<\/\1\s*>/gi;

/** Parses an HTML page into a DOM (linkedom), scripts, styles, comments and inline SVG left out. Pure. */
export function parsePage(html: string): DomDocument {
  const markup = html.replace(NEVER_CONTENT, '');
  // linkedom makes the first element of a bare fragment the document element; a page always has a body.
  const page = /<(?:html|body)\b/i.test(markup) ? markup : `<!doctype html><html><head></head><body>${markup}</body></html>`;
  return parseHTML(page).document as unknown as DomDocument;
}

/** Squeezed text of an element. */
export function textOf(el: DomNode | null | undefined): string {
  return (el?.textContent ?? '').replace(/\s+/g, ' ').trim();
}
