import type { Lexicon } from './lexicon.js';

/** Every `first second` pair, e.g. the verbs and the prepositions of "spoke to", "talked with". */
function pairs(firsts: readonly string[], seconds: readonly string[]): string[] {
  return firsts.flatMap((first) => seconds.map((second) => `${first} ${second}`));
}

/** English. */
export const en: Lexicon = {
  code: 'en',
  name: 'English',
  signature: {
    code: 'en',
    script: 'Latin',
    stopwords: ['the', 'and', 'of', 'to', 'in', 'is', 'that', 'it', 'for', 'with', 'was', 'this', 'are', 'be'],
  },
  switcherLabels: ['EN', 'ENG', 'English'],
  interviewWords: ['interview', 'q&a', 'q & a'],

  turns: { questionLetters: ['Q'], questionWords: ['question'], answerLetters: ['A'], answerWords: ['answer'] },

  genre: {
    exclusiveWords: ['exclusive'],
    withWords: ['with'],
    introPhrases: [...pairs(['spoke', 'speaking', 'talked', 'talking', 'sat down', 'chatted'], ['to', 'with']), 'in conversation with'],
    outletCues: [
      { before: pairs(['interview', 'conversation', 'talk'], ['to', 'with', 'given to', 'given with']), maxWords: 4 },
      { before: ['told', 'speaking to', 'spoke to', 'talked to'], maxWords: 4 },
    ],
  },

  voice: {
    firstPerson: ['I', "I'm", "I've", "I'd", "I'll", 'me', 'my', 'we', "we're", "we've", "we'll", 'our', 'us'],
    secondPerson: ['you', 'your', 'yours', 'yourself'],
    secondPersonEndings: [],
  },

  furniture: {
    related: [
      'news about',
      'more news about',
      'related',
      'related news',
      'related articles',
      'related stories',
      'related coverage',
      'read also',
      'read more',
      'also read',
      'see also',
      'more on this',
      'more from',
      'recommended',
      'you may also like',
      'trending',
      'most read',
    ],
    leaveLinks: [
      'read more',
      'continue reading',
      'continue reading below',
      'read the full story',
      'read the full article',
      'read the full interview',
      'click here',
      'share on …',
      'share via …',
      'share this …',
      'follow us …',
      'subscribe to …',
      'join us …',
      'join our …',
    ],
    widgetWords: [
      'share',
      'shares',
      'tweet',
      'print',
      'email',
      'e-mail',
      'facebook',
      'twitter',
      'x',
      'telegram',
      'whatsapp',
      'linkedin',
      'copy link',
      'link copied',
      'copied',
      'comment',
      'comments',
      'chosen',
      'favorite',
      'favorites',
      'favourite',
      'favourites',
      'bookmark',
      'save',
      'subscribe',
      'follow',
      'advertisement',
      'advertising',
      'advert',
      'ad',
      'sponsored',
      'loading',
      'loading..',
      'loading...',
      'back to top',
      'top',
      'tags',
      'source',
      'sources',
      'view',
      'views',
      'like',
      'likes',
    ],
    counterNouns: ['view', 'views', 'read', 'reads', 'share', 'shares', 'comment', 'comments', 'like', 'likes', 'source', 'sources'],
    counterLabels: ['view', 'views', 'share', 'shares', 'comment', 'comments'],
    counterSuffixes: ['k', 'm'],
    homeCrumbs: ['home', 'homepage', 'home page', 'main', 'main page'],
    sourceLabels: ['source'],
    interviewerCredits: ['interviewed by', 'interview by'],
    editorNotes: pairs(['this', 'the'], ['interview has been edited', 'interview has been condensed', 'interview was edited', 'interview was condensed']),
    tagLabels: ['tags', 'keywords', 'filed under', 'posted in'],
    staffCredits: ['reporting by', 'additional reporting by', 'writing by', 'editing by', 'compiled by'],
  },

  notices: [
    { topics: ['newsletter*', 'inbox'], actions: ['sign up', 'signup', 'sign-up', 'subscribe*', 'deliver*'] },
    {
      topics: ['uses cookies', 'use cookies', 'using cookies', 'cookie policy', 'cookie settings'],
      actions: ['accept*', 'opt-out', 'opt out', 'consent*', 'agree*', 'brows*', 'experience', 'continu*'],
    },
    { topics: ['comment', 'comments'], actions: ['moderat*'] },
    { topics: ['javascript'], actions: ['requires', 'require', 'enable', 'enabled', 'disabled'] },
    { topics: ['facebook', 'twitter', 'instagram', 'youtube', 'linkedin', 'tiktok', 'telegram'], actions: ['follow'] },
  ],

  captions: {
    creditWords: ['photo', 'photos', 'photo credit', 'image', 'picture', 'credit'],
    creditBy: ['by'],
    lowercaseCredits: ['courtesy', 'press service', 'archive', 'personal archive', 'family archive', 'open source', 'social media', 'author', 'the author'],
  },

  people: {
    roleWords: (
      'expert analyst economist scientist professor researcher director head chairman chairwoman chair minister ambassador ' +
      'deputy lawmaker mp member president ceo cfo cto coo founder co-founder editor journalist writer author novelist poet ' +
      'historian diplomat general officer spokesperson spokesman spokeswoman adviser advisor manager coach player artist ' +
      'musician singer actor actress doctor physician lawyer attorney specialist lecturer rector governor mayor commissioner ' +
      'executive chief secretary leader official envoy representative partner strategist fellow politician orientalist ' +
      'sociologist entrepreneur composer filmmaker architect engineer activist grandmaster champion athlete designer ' +
      'photographer scholar academic observer commentator columnist curator conductor chef owner investor banker consultant ' +
      // "political" for "political scientist": role words are single words.
      'pianist violinist producer turkologist political'
    ).split(' '),
    roleStems: [],
    roleForms: [],
    // Professions named after their field: seismologist, agronomist, technician.
    roleSuffixes: ['ologist', 'onomist', 'ician'],
    roleStop: (
      'in with to this that interview exclusive told said says by for from and as at on where when which who whom our ' +
      'the a an his her their its interviewed asked met spoke talked'
    ).split(' '),
    roleLinks: ['of', 'to', 'for', 'in', 'at', 'the'],
    roleConjunctions: ['and', '&'],
    // Particles of names that English text carries over from other languages: "Luca Di Gianfrancesco", "Ludwig van Beethoven".
    nameParticles: 'da de del della der di dos du el ibn bin al la le van von'.split(' '),
    copulas: ['is', 'was'],
    articles: ['a', 'an', 'the'],
    patronymicEndings: [],
    complementFollowsRole: false,
    // English spells some sounds of other languages its own way; the rest is plain Latin already.
    transliteration: ['ph f', 'ck k', 'ee i', 'oo u', 'ou u'],
    patronymicWords: [],
  },
};
