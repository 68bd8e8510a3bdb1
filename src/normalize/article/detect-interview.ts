import type { TurnExtraction } from './extract-turns.js';
import { hasTitleMarker, INTERVIEW_WORD, type Person } from './interviewee.js';
import { share } from '../../content/text.js';
import { anyOf, capitalised, entries, WORD_END, WORD_START, wordAlternation } from '../lexicon/compile.js';
import { LEXICONS } from '../lexicon/index.js';

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

/** How an intro says the text came about: a genre word, or a phrase such as "spoke to" or "в беседе". */
const INTRO_PHRASE = new RegExp(
  `${INTERVIEW_WORD.source}|${wordAlternation(
    entries((lexicon) => lexicon.genre.introPhrases),
    { caseless: true },
  )}${WORD_END}`,
  'iu',
);

/** First-person words, as written or capitalised, and nothing else: "I" but not "i", "us" but not "US" (a country). */
const FIRST_PERSON = new RegExp(
  `${wordAlternation(LEXICONS.flatMap((lexicon) => lexicon.voice.firstPerson.flatMap((word) => capitalised(word, lexicon.code))))}${WORD_END}`,
  'u',
);
/** Words addressing the interviewee, and verb forms ending like them. */
const SECOND_PERSON = new RegExp(
  `${WORD_START}(?:${anyOf((lexicon) => lexicon.voice.secondPerson)}|\\p{L}+${anyOf((lexicon) => lexicon.voice.secondPersonEndings)})${WORD_END}`,
  'iu',
);

/** Gathers the evidence for a body whose turns were read (or not). */
export function gatherEvidence(title: string, intro: string, extraction: TurnExtraction | null, interviewee: Person | null): InterviewEvidence {
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
