import { htmlText } from '../../content/html.js';
import type { FeedEntry } from '../../content/feed-entry.js';

/** Per-source full-text setting (`sources[].fullText`). */
export type FullTextMode = 'auto' | 'always' | 'never';

/** Why an entry's page is (or is not) fetched; logged and tested, so each rule is visible. */
export type FullTextReason = 'never' | 'always' | 'no-link' | 'no-content' | 'short-content' | 'content-is-summary' | 'read-more' | 'has-content';

/** Whether an entry's page is fetched, and why. */
export interface FullTextDecision {
  fetch: boolean;
  reason: FullTextReason;
}

/** Below this many characters of text, a body is taken for a teaser rather than the article. */
export const SHORT_BODY_CHARS = 500;

/**
 * A body ending like this is a teaser with a link to the rest: "Read more", "Continue reading", "[…]", "…",
 * and the same in the languages of the outlets we carry (German, Russian, Turkish, Azerbaijani, French, Spanish).
 */
const READ_MORE =
  /(?:read\s+the\s+(?:full|whole|rest)\b[^.]{0,120}|(?:read\s+more|continue\s+reading|weiterlesen|mehr\s+lesen|читать\s+(?:далее|полностью)|подробнее|devamı(?:nı\s+oku)?|ətraflı|lire\s+la\s+suite|leer\s+más|seguir\s+leyendo|\[\s*(?:…|\.\.\.)\s*\]|…|\.\.\.)(?:\s*(?:»|›|→|>>))?\s*)$/i;

/**
 * Decides whether an entry's article page should be fetched. `never` and `always` mean what they say (an entry
 * without an http(s) link is never fetched); `auto` fetches when the entry "carries only a summary": no body
 * at all, a body of less than {@link SHORT_BODY_CHARS} characters of text, a body that is just the summary
 * again, or one ending in a read-more marker. Pure.
 */
export function needsFullText(entry: Pick<FeedEntry, 'link' | 'summary' | 'contentHtml'>, mode: FullTextMode): FullTextDecision {
  if (mode === 'never') return { fetch: false, reason: 'never' };
  if (!entry.link || !/^https?:\/\//i.test(entry.link)) return { fetch: false, reason: 'no-link' };
  if (mode === 'always') return { fetch: true, reason: 'always' };
  const body = htmlText(entry.contentHtml);
  if (body === '') return { fetch: true, reason: 'no-content' };
  if (READ_MORE.test(body)) return { fetch: true, reason: 'read-more' };
  if (body === htmlText(entry.summary)) return { fetch: true, reason: 'content-is-summary' };
  if (body.length < SHORT_BODY_CHARS) return { fetch: true, reason: 'short-content' };
  return { fetch: false, reason: 'has-content' };
}
