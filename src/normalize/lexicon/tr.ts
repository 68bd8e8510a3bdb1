import type { Lexicon } from './lexicon.js';

/** Turkish. */
export const tr: Lexicon = {
  code: 'tr',
  name: 'Turkish',
  signature: {
    code: 'tr',
    script: 'Latin',
    stopwords: ['ve', 'bir', 'bu', 'için', 'ile', 'da', 'de', 'çok', 'olarak', 'daha', 'ama', 'gibi', 'değil'],
  },
  switcherLabels: ['TR', 'TUR', 'Türkçe'],
  interviewWords: ['röportaj', 'söyleşi'],

  turns: { questionLetters: ['S'], questionWords: ['soru'], answerLetters: ['C'], answerWords: ['cevap'] },

  genre: {
    exclusiveWords: ['özel'],
    withWords: ['ile'],
    introPhrases: ['konuştu*', 'söyleşi*', 'röportaj*'],
    // "Example Haber'e verdiği röportajda", "News.Az'a özel açıklama": the case ending follows an apostrophe.
    outletCues: [
      { suffixes: ['a', 'e', 'ya', 'ye', 'na', 'ne'], joiners: ["'", '\u2019'], qualifiers: ['verdiği', 'özel'], nouns: ['röportaj', 'açıklama', 'demeç'] },
    ],
  },

  voice: {
    firstPerson: ['ben', 'bence', 'benim', 'bana', 'biz', 'bizim', 'bize', 'düşünüyorum'],
    secondPerson: ['siz', 'sizin', 'sizi', 'size', 'sizce'],
    secondPersonEndings: ['siniz', 'sınız', 'sunuz', 'sünüz'],
  },

  furniture: {
    related: ['ilgili haberler', 'ayrıca okuyun', 'bunu da okuyun'],
    leaveLinks: ['devamını oku', 'devamı'],
    widgetWords: ['paylaş', 'yorumlar', 'reklam', 'etiketler'],
    counterNouns: ['görüntülenme', 'okunma', 'yorum*'],
    counterLabels: ['görüntülenme'],
    counterSuffixes: [],
    homeCrumbs: ['ana sayfa', 'anasayfa'],
    sourceLabels: ['kaynak'],
    interviewerCredits: ['röportaj'],
    editorNotes: [],
    tagLabels: ['etiketler'],
    staffCredits: [],
  },

  notices: [
    { topics: ['yorum*'], actions: ['moderatör*', 'moderasyon*'] },
    { topics: ['çerez*'], actions: ['kabul*', 'kullan*'] },
  ],

  captions: {
    creditWords: ['foto', 'fotoğraf', 'görsel'],
    creditBy: [],
    lowercaseCredits: ['arşiv', 'kişisel arşiv', 'aile arşiv', 'açık kaynak', 'sosyal medya', 'basın servisi', 'basın bürosu'],
  },

  people: {
    roleWords: [],
    roleStems: 'uzman analist ekonomist profesör direktör başkan bakan büyükelçi milletvekili yazar gazeteci danışman akademisyen'.split(' '),
    roleForms: [],
    roleSuffixes: [],
    roleStop: ['ile', 've', 'ki', 'bu'],
    roleLinks: [],
    roleConjunctions: ['ve'],
    nameParticles: [],
    copulas: [],
    articles: [],
    patronymicEndings: [],
    complementFollowsRole: false,
    transliteration: 'c dzh,ç ch,ş sh,ğ g,ı i,ö o,ü u,j zh,â a,î i,û u'.split(','),
    patronymicWords: [],
  },
};
