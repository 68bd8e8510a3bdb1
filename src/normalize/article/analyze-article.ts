import sanitizeHtml from 'sanitize-html';
import type { ImageRef, Interview, ItemKind } from '../../core/item.js';

/** Per-source cleanup rules from the config, for furniture the generic rules miss. */
export interface SourceCleanupRules {
  /** CSS selectors whose elements are removed from the body. */
  removeSelectors?: string[];
  /** Regular expressions (source text); a paragraph matching one entirely is removed. */
  removePatterns?: string[];
}

/** What the normalizer knows about an article before its body is analysed. */
export interface ArticleInput {
  /** The entry's title as the feed or page gives it. */
  title: string;
  /** The body: HTML (from `content:encoded`, an article page) or plain text with blank-line paragraphs. */
  html: string;
  /** Base URL that relative links and images resolve against. */
  baseUrl?: string;
  /** The outlet's display name (e.g. "News.Az"), a hint for the interviewer and for sign-offs. */
  sourceName?: string;
  /** Language declared by the feed or page, if any. */
  language?: string | null;
  rules?: SourceCleanupRules;
}

/** The cleaned body and what was learnt from it. */
export interface ArticleAnalysis {
  kind: ItemKind;
  interview: Interview | null;
  images: ImageRef[];
  /** Sanitized HTML of the cleaned body. */
  contentHtml: string;
  /** Plain text of the cleaned body, paragraphs separated by a blank line. */
  contentText: string;
  /** Detected or declared language (ISO 639-1), null when unknown. */
  language: string | null;
}

/**
 * Cleans an article body and decides whether it is an interview.
 * Placeholder of the foundation: sanitizes and flattens; interview extraction comes with its issue.
 */
export function analyzeArticle(input: ArticleInput): ArticleAnalysis {
  const contentHtml = sanitizeHtml(input.html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(['img', 'figure', 'figcaption']),
    allowedSchemes: ['http', 'https', 'mailto'],
  });
  const contentText = sanitizeHtml(contentHtml.replace(/<\/(p|div|h\d|li|blockquote)>/gi, '\n\n'), {
    allowedTags: [],
    allowedAttributes: {},
  })
    .replace(/[ \t]+/g, ' ')
    .replace(/\n\s*\n\s*/g, '\n\n')
    .trim();
  return { kind: 'article', interview: null, images: [], contentHtml, contentText, language: input.language ?? null };
}
