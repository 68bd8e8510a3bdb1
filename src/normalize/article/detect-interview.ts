import type { TurnExtraction } from './extract-turns.js';
import { hasTitleMarker, INTERVIEW_WORD, type Person } from './interviewee.js';
import { share } from '../../content/text.js';

/** The evidence behind an interview decision, kept for tests and for logging a surprising verdict. */
export interface InterviewEvidence {
  titleMarker: boolean;
  /** The intro says how the text came about: "interview with", "spoke to", "в беседе", "müsahibə". */
  introPhrase: boolean;
  turns: number;
  /** Share of the answers spoken in the first person. */
  firstPerson: number;
  /** Share of the questions addressed to "you". */
  secondPerson: number;
  explicitMarkers: boolean;
  /** A person could be named as the interviewee. */
  interviewee: boolean;
}

const INTRO_PHRASE = new RegExp(
  `${INTERVIEW_WORD.source}|\\b(?:spoke|speaking|talked|talking|sat down|chatted)\\s+(?:to|with)\\b|in conversation with|беседе|побеседовал|рассказал\\p{L}* в|söhbət|söyləşi|müsahibə|konuştu|söyleşi`,
  'iu',
);

const NOT_LETTER = '(?<![\\p{L}\\p{N}])';
const END = '(?![\\p{L}\\p{N}])';
/** First-person words: English (case-sensitive "I", "us" only in lowercase: "US" is a country), Russian, Azerbaijani, Turkish. */
const FIRST_PERSON = new RegExp(
  `${NOT_LETTER}(?:I|I['\u2019](?:m|ve|d|ll)|[Mm]e|[Mm]y|[Ww]e|[Ww]e['\u2019](?:re|ve|ll)|[Oo]ur|us|[Яя]|мне|меня|мной|[Мм]ой|[Мм]оя|[Мм]оё|[Мм]ое|[Мм]ои|[Мм]ы|нас|нам|[Нн]аш\\p{L}*|считаю|думаю|[Mm]ən|[Mm]əncə|[Mm]ənim|mənə|[Bb]iz|[Bb]izim|bizə|[Ff]ikrimcə|hesab edirəm|düşünürəm|[Bb]en|[Bb]ence|[Bb]enim|[Dd]üşünüyorum)${END}`,
  'u',
);
/** Words addressing the interviewee. */
const SECOND_PERSON = new RegExp(
  `${NOT_LETTER}(?:you|your|yours|yourself|вы|вас|вам|вами|ваш\\p{L}*|siz|sizin|sizcə|sizə|sizi|fikrinizcə|\\p{L}+(?:siniz|sınız|sunuz|sünüz)|size|sizce)${END}`,
  'iu',
);

/** Gathers the evidence for a body whose turns were read (or not). */
export function gatherEvidence(
  title: string,
  intro: string,
  extraction: TurnExtraction | null,
  interviewee: Person | null,
): InterviewEvidence {
  const turns = extraction?.turns ?? [];
  return {
    titleMarker: hasTitleMarker(title),
    introPhrase: INTRO_PHRASE.test(intro),
    turns: turns.length,
    firstPerson: share(turns, (t) => FIRST_PERSON.test(t.answer)),
    secondPerson: share(turns, (t) => SECOND_PERSON.test(t.question)),
    explicitMarkers: extraction?.shape === 'label' || extraction?.shape === 'speaker',
    interviewee: interviewee !== null,
  };
}

/**
 * Decides whether a body is an interview. Structure is required (at least two answered questions read
 * by one of the turn shapes). With a genre signal (title marker, interview phrasing in the intro), the
 * answers must speak in the first person, or, when they do not, a named interviewee must be asked
 * directly ("you") or through explicit `Q:`/speaker markers. Without a genre signal, only a clear
 * conversation counts: first-person answers to questions addressed to "you", over three turns or more.
 * A quoted line or a rhetorical question yields no turns; a "Q&A" explainer or a job-interview guide
 * answers impersonally and names nobody.
 */
export function isInterview(evidence: InterviewEvidence): boolean {
  if (evidence.turns < 2) return false;
  const voice = evidence.firstPerson >= 0.25;
  const address = evidence.secondPerson >= 0.3;
  if (evidence.titleMarker || evidence.introPhrase) {
    return voice || (evidence.interviewee && (address || evidence.explicitMarkers));
  }
  return voice && address && evidence.turns >= 3;
}
