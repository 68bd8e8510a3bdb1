/**
 * The shape of a language's words as the normalizer reads them. One file per language fills it (en.ts, ru.ts,
 * az.ts, tr.ts), `index.ts` lists them, and the normalizer's files build their regular expressions once, at load,
 * from the union of every registered lexicon (a page mixing languages is read with all of them, as it always was).
 *
 * Entries are words and phrases, not regular expressions. Unless a field says otherwise:
 * - matching ignores case, Azerbaijani and Turkish dotted and dotless i included (`i` finds `İ`, `ı` finds `I`);
 * - a space in an entry matches any run of white space;
 * - a word ending in `*` matches every word that begins with it (`просмотр*`: просмотров, просмотры);
 * - an entry ending in ` …` also takes whatever follows on the line (`share on …`).
 */

/** A language as the script-and-word guess of `language.ts` recognizes it. */
export interface LanguageSignature {
  /** ISO 639-1 code, as the item's `language` carries it. */
  code: string;
  /** Unicode script of the language's letters (a `\p{Script=…}` name). */
  script: string;
  /**
   * Letters that only this language uses within its script. Once they make up `minShare` of the script's letters,
   * the text is this language, before any word is counted. Checked in registry order.
   */
  ownLetters?: {
    letters: string;
    minShare: number;
    /** A text whose words score highest for this language but lacks its letters is taken for this one instead. */
    withoutThemRead?: string;
  };
  /** Frequent short words (lower case, whole words) counted to tell the languages of one script apart. */
  stopwords: readonly string[];
  /** This language is the guess for a text in its script that neither letters nor words decide. */
  scriptDefault?: boolean;
}

/** A language the normalizer recognizes without reading its texts: detection and page furniture only. */
export interface KnownLanguage {
  code: string;
  /** Signature for language detection; absent when the language is never guessed, only named. */
  signature?: LanguageSignature;
  /**
   * Labels a language switcher shows for this language (`EN`, `РУС`, `Türkçe`, `Азербайджанский`), matched as
   * written (case matters: `EN`, not `en`).
   */
  switcherLabels: readonly string[];
  /** Words that mark a text as an interview (genre words in a title: "entretien"). */
  interviewWords?: readonly string[];
  /** Notices to the reader in this language, for languages read or only recognized (see {@link ReaderNotice}). */
  notices?: readonly ReaderNotice[];
}

/**
 * A notice to the reader rather than the story: a newsletter sign-up, a cookie banner, a comment policy. A short
 * paragraph holding one of the `topics` and one of the `actions` of the same notice is site furniture ("Sign up for
 * our free newsletter", "This website uses cookies … opt-out", "Comments … approved by the moderator").
 */
export interface ReaderNotice {
  topics: readonly string[];
  actions: readonly string[];
}

/** The outlet named next to an interview's intro phrase: "interview with News.Az", "News.Az-a müsahibə", "News.Az'a röportaj". */
export type OutletCue =
  | {
      /** Phrases (case-sensitive) right before the outlet's name: "interview with", "told". */
      before: readonly string[];
      /** Nouns that may stand between the phrase and the name ("агентству"). */
      nouns?: readonly string[];
      /** Longest outlet name, in capitalised words. */
      maxWords: number;
    }
  | {
      /** Case endings attached to the outlet's name ("News.Az-a", "News.Az'a"). */
      suffixes: readonly string[];
      /** What joins an ending to the name: a hyphen in Azerbaijani, an apostrophe in Turkish. */
      joiners: readonly string[];
      /** Words that may stand between the name and the noun ("verdiyi"). */
      qualifiers: readonly string[];
      /** The noun after the name ("müsahibə", "açıqlama"), case-sensitive. */
      nouns: readonly string[];
    };

/** An inflected ending (a regular expression source anchored at the word's end) and its nominative replacement. */
export type EndingRule = readonly [inflected: string, nominative: string];

/** How one case changes each kind of word of a personal name, for one gender. */
export interface Declension {
  given: readonly EndingRule[];
  /** Middle words of a three-word name (patronymics). */
  patronymic: readonly EndingRule[];
  surname: readonly EndingRule[];
}

/** One oblique case a name may be written in, with what it takes to trust the reading. */
export interface NameCase {
  /** The case's name ("instrumental"); also the key of `roleNoun`. */
  name: string;
  /** The case is read only right after one of these words ("с"); absent: anywhere. */
  after?: readonly string[];
  /** An indeclinable surname may stand in this case as written (else the surname must show the case). */
  surnameMayStay: boolean;
  declensions: readonly Declension[];
  /** The role noun heading a role phrase in this case ("политологом" → "политолог"). */
  roleNoun: readonly EndingRule[];
}

/** Restoring the nominative of names written in an oblique case (a language that declines names). */
export interface NameCases {
  /** A word of a name this grammar applies to (regular expression source, whole word). */
  nameWord: string;
  /** The cases tried, in order. */
  cases: readonly NameCase[];
  /** Surname endings that never decline (оглы, заде): such a surname fits any case as written. */
  indeclinableSurnameEndings: readonly string[];
  /** Given-name stems that lose a vowel when declined, with their nominative (Павл → Павел). */
  fleetingVowels: Readonly<Record<string, string>>;
  /** The same for role nouns (посл → посол). */
  roleFleetingVowels: Readonly<Record<string, string>>;
}

/** Everything the normalizer reads in one language. */
export interface Lexicon extends KnownLanguage {
  /** English name of the language, for documentation and test names. */
  name: string;
  signature: LanguageSignature;
  /** Interview genre words, whole words, in titles and intros ("interview", "müsahibə"). */
  interviewWords: readonly string[];

  /** Labels that open a question or an answer. */
  turns: {
    /** One-letter labels before a colon (`Q:`, `В:`), case-sensitive. */
    questionLetters: readonly string[];
    /** Words before a colon, dot or dash (`Question:`), in lower case; matched lower, capitalised or upper case. */
    questionWords: readonly string[];
    answerLetters: readonly string[];
    answerWords: readonly string[];
  };

  /** How a text says it is an interview, and whom it is with. */
  genre: {
    /** "Exclusive", before a genre word in a title. */
    exclusiveWords: readonly string[];
    /** "with", between a genre word and the person ("Interview with …", "Интервью с …"). */
    withWords: readonly string[];
    /** Phrases in an intro telling how the text came about ("spoke to", "беседе", "müsahibə*"), anywhere in it. */
    introPhrases: readonly string[];
    /** Where the outlet that asked is named. */
    outletCues: readonly OutletCue[];
  };

  /** Who speaks in the answers and whom the questions address. */
  voice: {
    /**
     * First-person words, whole words, case-sensitive: each matches as written and capitalised, so `I` stays upper
     * case and `us` lower case ("US" is a country). An apostrophe stands for `'` and `’`.
     */
    firstPerson: readonly string[];
    /** Words addressing the interviewee, whole words. */
    secondPerson: readonly string[];
    /** Verb endings addressing the interviewee ("-siniz"), after at least one letter. */
    secondPersonEndings: readonly string[];
  };

  /** Site furniture: lines that are not the story. */
  furniture: {
    /** Phrases opening a line that points to other stories ("read also"). */
    related: readonly string[];
    /** Whole lines of links leading away ("read more", "share on …"). */
    leaveLinks: readonly string[];
    /** Whole lines of one widget's label ("share", "comments"). */
    widgetWords: readonly string[];
    /** Nouns after a number in a counter ("12 views"). */
    counterNouns: readonly string[];
    /** Labels before a number in a counter ("views: 12"). */
    counterLabels: readonly string[];
    /** Abbreviations of thousands and millions closing a number ("1.2k"), letters. */
    counterSuffixes: readonly string[];
    /** The home page's crumb opening a breadcrumb trail ("Home"). */
    homeCrumbs: readonly string[];
    /** "Source:" before an outlet's name in a sign-off. */
    sourceLabels: readonly string[];
    /** Whole-line credits of the interviewer ("interview by …"), before a name. */
    interviewerCredits: readonly string[];
    /** Editor's notes on the interview's text ("this interview has been edited"), before up to 80 characters more. */
    editorNotes: readonly string[];
    /** "Tags:" before a list of tags. */
    tagLabels: readonly string[];
    /** Staff credits closing a wire story, before names ("Reporting by …; Editing by …"). */
    staffCredits: readonly string[];
  };

  /** Captions and photo credits. */
  captions: {
    /** Words that introduce a credit ("Photo:", "Фото:"). */
    creditWords: readonly string[];
    /** A word between the credit word and the name ("Photo by …"). */
    creditBy: readonly string[];
    /** Credits that start in lower case (word beginnings): "press service", "архив". */
    lowercaseCredits: readonly string[];
  };

  /** People named in a title or intro: the role next to a name. */
  people: {
    /** Role nouns, whole words ("ambassador"). */
    roleWords: readonly string[];
    /** Role nouns that inflect, as word beginnings ("политолог" matches "политологом"). */
    roleStems: readonly string[];
    /** Inflected role forms that no stem reaches (the stem loses a vowel: "послом"). */
    roleForms: readonly string[];
    /** Word endings that make a role noun ("-ologist"). */
    roleSuffixes: readonly string[];
    /** Words that end a role phrase when reading leftwards from a name ("said", "told", "в"). */
    roleStop: readonly string[];
    /** Prepositions and articles that may sit inside a role phrase ("of", "to", "в"). */
    roleLinks: readonly string[];
    /** Conjunctions that may join two parts of one role ("and", "və"). */
    roleConjunctions: readonly string[];
    /** Particles that belong to a surname ("van", "di"), lower case. */
    nameParticles: readonly string[];
    /** Verbs linking a name to the role after it ("Name is the director of X"). */
    copulas: readonly string[];
    /** Articles dropped from the front of a role after a name ("a senior fellow"). */
    articles: readonly string[];
    /** Endings of a patronymic (the middle word of a three-word name), followed by up to two case letters. */
    patronymicEndings: readonly string[];
    /**
     * The role's complement follows the role noun without a link word ("посол России Михаил Петров"), so in a run
     * of capitalised words of this language after a role noun, the name is the last two or three words.
     */
    complementFollowsRole: boolean;
    /** Restoring names written in an oblique case; absent for languages that do not decline names. */
    nameCases?: NameCases;
    /**
     * How the language's letters are written in plain Latin, for telling one person apart from another across
     * scripts (src/people/person-key.ts): each entry is a letter (or a run of letters) of the language, a space and
     * its Latin spelling as an English text would write it (`ж zh`, `ə a`, `ç ch`); a letter alone is dropped
     * (`ь`). Letters not listed fall back to any-ascii.
     */
    transliteration: readonly string[];
    /** Words that, with the name before them, make a patronymic written apart ("Heydər oğlu"), lower case. */
    patronymicWords: readonly string[];
  };
}

/**
 * Fields that a language may leave empty because it has no such words (English puts no case ending on an outlet's
 * name, Russian has no articles). Every other list must hold at least one entry: tests/normalize/lexicons.test.ts
 * says so for every registered language.
 */
export const MAY_BE_EMPTY: readonly string[] = [
  'genre.outletCues',
  'voice.secondPersonEndings',
  'furniture.counterSuffixes',
  'furniture.editorNotes',
  'furniture.staffCredits',
  'captions.creditBy',
  'people.roleWords',
  'people.roleStems',
  'people.roleForms',
  'people.roleSuffixes',
  'people.roleLinks',
  'people.nameParticles',
  'people.copulas',
  'people.articles',
  'people.patronymicEndings',
  'people.patronymicWords',
  'turns.questionLetters',
  'turns.answerLetters',
];
