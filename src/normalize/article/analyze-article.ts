import type { ImageRef, Interview, ItemKind } from '../../core/item.js';
import { assignTurnIds } from '../../core/turn-ids.js';
import { toBlocks } from './blocks.js';
import { removeBoilerplate, type CleanBlock } from './boilerplate.js';
import { gatherEvidence, isInterview, type InterviewEvidence } from './detect-interview.js';
import { extractTurns } from './extract-turns.js';
import { findInterviewee, findInterviewer, interviewHeadline } from './interviewee.js';
import { normalizeLanguageTag } from '../../content/text.js';
import { detectLanguage } from './language.js';
import { renderArticleHtml, renderInterviewHtml } from './render.js';
import { leadSentences } from '../../content/text.js';

/** Per-source cleanup rules from the config, for furniture the generic rules miss. */
export interface SourceCleanupRules {
  /** The article's main element: when it matches in the body, only what it holds is read. */
  keepSelector?: string;
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
  /**
   * Pictures with their caption and credit taken out of the text. `url` is '' for a caption or credit
   * found in a plain-text body, where the picture's address is unknown.
   */
  images: ImageRef[];
  /** Sanitized HTML of the cleaned body; interviews use the markup of {@link renderInterviewHtml}. */
  contentHtml: string;
  /** Plain text of the cleaned body, paragraphs separated by a blank line. */
  contentText: string;
  /** Detected or declared language (ISO 639-1), null when unknown. */
  language: string | null;
  /** A few sentences for the item's summary: the start of the intro (interview) or of the body. */
  summary?: string;
  /** Why the body was or was not taken for an interview. */
  evidence?: InterviewEvidence;
}

function plainText(blocks: readonly CleanBlock[]): string {
  return blocks
    .filter((b) => b.kind !== 'image')
    .map((b) => b.text)
    .join('\n\n');
}

/**
 * Cleans an article body and decides whether it is an interview.
 *
 * Steps: the body (HTML or plain text) is split into paragraph blocks; site furniture goes, captions and
 * credits move to `images`; the question-and-answer turns are read in whichever shape the body uses
 * (dashes, `Q:`/`A:` labels, speaker prefixes, bold or heading questions); the evidence decides the kind.
 * Pure: no I/O, no clock.
 */
export function analyzeArticle(input: ArticleInput): ArticleAnalysis {
  const blocks = toBlocks(input.html, { baseUrl: input.baseUrl, keepSelector: input.rules?.keepSelector, removeSelectors: input.rules?.removeSelectors });
  const clean = removeBoilerplate(blocks, {
    title: input.title,
    sourceName: input.sourceName,
    removePatterns: input.rules?.removePatterns,
    pageUrl: input.baseUrl,
  });
  const textBlocks = clean.blocks.filter((b) => b.kind !== 'image');
  const extraction = extractTurns(textBlocks);
  const introBlocks = extraction ? textBlocks.slice(0, extraction.start) : textBlocks;
  const intro = plainText(introBlocks);
  const interviewee = extraction ? findInterviewee({ title: input.title, intro, answerer: extraction.answerer }) : null;
  const evidence = gatherEvidence(input.title, intro, extraction, interviewee);
  const bodyText = plainText(clean.blocks);
  const language = normalizeLanguageTag(input.language) ?? detectLanguage(bodyText);

  if (!extraction || !isInterview(evidence)) {
    return {
      kind: 'article',
      interview: null,
      images: clean.images,
      contentHtml: renderArticleHtml(clean.blocks, input.baseUrl),
      contentText: bodyText,
      language,
      summary: leadSentences(bodyText),
      evidence,
    };
  }

  const interview: Interview = {
    interviewee,
    interviewer: findInterviewer({
      intro,
      questioner: extraction.questioner,
      sourceName: input.sourceName,
      interviewee: interviewee?.name ?? null,
    }),
    headline: interviewHeadline(input.title, interviewee?.name ?? null),
    intro,
    qa: assignTurnIds(extraction.turns),
  };
  // The cleaned body as the page writes it, its turns' labels ("Q:", "A:") included; `qa` carries the turns without them.
  const contentText = bodyText;
  return {
    kind: 'interview',
    interview,
    images: clean.images,
    contentHtml: renderInterviewHtml(introBlocks, extraction.turns, input.baseUrl),
    contentText,
    language,
    summary: leadSentences(intro || contentText),
    evidence,
  };
}
