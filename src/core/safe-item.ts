/**
 * The outputs' defence: every format that carries a story out (RSS, Atom, JSON Feed, `/api/v1/items`, webhook
 * payloads) passes it through {@link safeItem} first, whatever normalization did, so a story stored by an older
 * version, edited through the API or built by a future bug still leaves with nothing executable. Pure.
 */
import { sanitizeContentHtml, stripMarkup } from './content-policy.js';
import type { ImageRef, Interview, NormalizedItem, SourceRef } from './item.js';
import { contentTurnId } from './turn-ids.js';
import { safeUrl } from './url-policy.js';

const orEmpty = (url: string | null | undefined) => safeUrl(url) ?? '';

/** An outlet as it may be written out: plain-text name, addresses kept only when the URL policy keeps them. */
export function safeSourceRef(source: SourceRef): SourceRef {
  return { ...source, name: stripMarkup(source.name), url: orEmpty(source.url), itemUrl: orEmpty(source.itemUrl) };
}

function safeImage(image: ImageRef): ImageRef | null {
  const url = orEmpty(image.url);
  const out: ImageRef = { ...image, url };
  if (image.caption !== undefined) out.caption = stripMarkup(image.caption);
  if (image.credit !== undefined) out.credit = stripMarkup(image.credit);
  // A caption without a usable picture still says something; a picture with neither is dropped.
  return url || out.caption || out.credit ? out : null;
}

function safeInterview(interview: Interview): Interview {
  const who = interview.interviewee;
  return {
    ...interview,
    interviewee: who ? { ...who, name: stripMarkup(who.name), ...(who.role !== undefined ? { role: stripMarkup(who.role) } : {}) } : null,
    interviewer: interview.interviewer === null ? null : stripMarkup(interview.interviewer),
    headline: stripMarkup(interview.headline),
    intro: stripMarkup(interview.intro),
    // A story stored before turns had ids gets the ids its words give.
    qa: interview.qa.map((turn) => ({
      id: turn.id ? stripMarkup(turn.id) : contentTurnId(turn),
      question: stripMarkup(turn.question),
      answer: stripMarkup(turn.answer),
    })),
  };
}

/**
 * A story as any output may carry it: every address through the URL policy (dropped ones become `''`, pictures
 * without address or caption go), `contentHtml` through the one sanitizer, every plain-text field without
 * anything a reader could take for markup. Applying it to its own result changes nothing. A stored body, the
 * sanitizer's own output, is proved clean by a linear scan rather than sanitized again ({@link sanitizeContentHtml}:
 * this runs on every render and every event, so it must cost little). `bodySanitized` says
 * the caller has just built `contentHtml` with {@link sanitizeContentHtml} (normalization), so it is not run twice.
 */
export function safeItem(item: NormalizedItem, options: { bodySanitized?: boolean } = {}): NormalizedItem {
  const url = orEmpty(item.url);
  const out: NormalizedItem = {
    ...item,
    url,
    title: stripMarkup(item.title),
    summary: stripMarkup(item.summary),
    contentHtml: options.bodySanitized ? item.contentHtml : sanitizeContentHtml(item.contentHtml, url || undefined),
    contentText: stripMarkup(item.contentText),
    source: safeSourceRef(item.source),
    sources: item.sources.map(safeSourceRef),
    images: item.images.map(safeImage).filter((image): image is ImageRef => image !== null),
    interview: item.interview ? safeInterview(item.interview) : null,
  };
  if (item.translations !== undefined)
    out.translations = item.translations.map((t) => ({ ...t, url: orEmpty(t.url), title: stripMarkup(t.title), source: safeSourceRef(t.source) }));
  if (item.tags !== undefined) out.tags = item.tags.map(stripMarkup).filter(Boolean);
  if (item.author !== undefined) out.author = item.author === null ? null : stripMarkup(item.author);
  return out;
}
