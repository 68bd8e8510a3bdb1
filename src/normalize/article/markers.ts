/**
 * The markers that open a question or an answer, shared by the block splitter (which must not glue a
 * `Q:` line to the line before it) and by the turn extractor.
 */

/** A dash that opens a turn: en or em dash (space optional), or a hyphen followed by a space. */
export const DASH_LEAD = /^(?:[\u2013\u2014\u2015]\s*|-\s+)(?=\S)/;

/** `Q:` / `Question:` and their Russian, Azerbaijani and Turkish forms (single letters are case-sensitive). */
export const QUESTION_LABEL =
  /^(?:\*\*)?(?:(?:Q|В|S)\s*[:\uff1a]|(?:[Qq]uestion|QUESTION|[Вв]опрос|ВОПРОС|[Ss]ual|SUAL|[Ss]oru|SORU)\s*[:\uff1a.\u2013\u2014])(?:\*\*)?\s*/;

/** `A:` / `Answer:` and their Russian (`О:`, `Ответ:`), Azerbaijani (`C:`, `Cavab:`) and Turkish forms. */
export const ANSWER_LABEL =
  /^(?:\*\*)?(?:(?:A|О|C)\s*[:\uff1a]|(?:[Aa]nswer|ANSWER|[Оо]твет|ОТВЕТ|[Cc]avab|CAVAB|[Cc]evap|CEVAP)\s*[:\uff1a.\u2013\u2014])(?:\*\*)?\s*/;

/**
 * A speaker prefix such as `News.Az:` or `Grigory Trofimchuk:`: one to four capitalised tokens, then a colon.
 * Whether a prefix really names a speaker is decided by the turn extractor (it must recur).
 */
export const SPEAKER_PREFIX = /^((?:\p{Lu}[\p{L}\p{M}\p{N}.'\u2019&-]*)(?:\s+\p{Lu}[\p{L}\p{M}\p{N}.'\u2019&-]*){0,3})\s*[:\uff1a]\s+(?=\S)/u;

/** True when a line opens with any turn marker; such a line always starts a block of its own. */
export function startsLikeTurn(text: string): boolean {
  return DASH_LEAD.test(text) || QUESTION_LABEL.test(text) || ANSWER_LABEL.test(text) || SPEAKER_PREFIX.test(text);
}
