import type { Lexicon } from './lexicon.js';

/** Azerbaijani (Latin script). */
export const az: Lexicon = {
  code: 'az',
  name: 'Azerbaijani',
  signature: {
    code: 'az',
    script: 'Latin',
    // The schwa is Azerbaijani's own letter; the short words it shares with Turkish, without a single schwa, are Turkish.
    ownLetters: { letters: 'ə', minShare: 0.005, withoutThemRead: 'tr' },
    stopwords: ['və', 'bir', 'bu', 'üçün', 'ilə', 'da', 'də', 'çox', 'olaraq', 'daha', 'amma', 'kimi', 'deyil', 'ki'],
  },
  switcherLabels: ['AZ', 'AZE', 'AZƏ', 'АЗ', 'Azərbaycan', 'Azərbaycanca', 'Azərbaycan dili', 'Азербайджанский'],
  interviewWords: ['müsahibə', 'müsahibəsi', 'söyləşi'],

  turns: { questionLetters: ['S'], questionWords: ['sual'], answerLetters: ['C'], answerWords: ['cavab'] },

  genre: {
    exclusiveWords: ['eksklüziv'],
    withWords: ['ilə'],
    introPhrases: ['söhbət*', 'söyləşi*', 'müsahibə*'],
    // "News.Az-a müsahibəsində", "APA-ya verdiyi açıqlamada".
    outletCues: [{ suffixes: ['a', 'ə', 'ya', 'yə', 'ye'], joiners: ['-'], qualifiers: ['verdiyi', 'eksklüziv'], nouns: ['müsahibə', 'açıqlama'] }],
  },

  voice: {
    firstPerson: ['mən', 'məncə', 'mənim', 'mənə', 'biz', 'bizim', 'bizə', 'fikrimcə', 'hesab edirəm', 'düşünürəm'],
    secondPerson: ['siz', 'sizin', 'sizcə', 'sizə', 'sizi', 'fikrinizcə'],
    secondPersonEndings: ['siniz', 'sınız', 'sunuz', 'sünüz'],
  },

  furniture: {
    related: ['oxşar xəbərlər', 'həmçinin oxuyun', 'həmçinin bax', 'digər xəbərlər', 'mövzu ilə bağlı'],
    leaveLinks: ['ətraflı', 'davamını oxu', 'bizi izləyin …'],
    widgetWords: ['paylaş', 'şərhlər', 'seçilmiş', 'seçilmişlər', 'reklam', 'abunə ol', 'teqlər'],
    counterNouns: ['baxış*', 'şərh*'],
    counterLabels: ['baxış*', 'baxış* sayı'],
    counterSuffixes: [],
    homeCrumbs: ['ana səhifə', 'əsas səhifə'],
    sourceLabels: ['mənbə'],
    interviewerCredits: ['müsahibəni apardı', 'müsahibəni hazırladı', 'söhbəti apardı'],
    editorNotes: [],
    tagLabels: ['teqlər'],
    staffCredits: [],
  },

  notices: [{ topics: ['şərh*'], actions: ['moderator*', 'moderasiya*'] }],

  captions: {
    creditWords: ['foto', 'şəkil'],
    creditBy: [],
    lowercaseCredits: ['mətbuat xidmət', 'arxiv', 'şəxsi arxiv', 'ailə arxiv', 'açıq mənbə', 'sosial şəbəkə', 'müəllif'],
  },

  people: {
    roleWords: [],
    roleStems: (
      'ekspert politoloq analitik iqtisadçı professor direktor rəhbər sədr nazir səfir deputat prezident təsisçi redaktor ' +
      'jurnalist yazıçı tarixçi diplomat general müşavir mütəxəssis əməkdaş rektor üzv hüquqşünas həkim məşqçi müdir ' +
      'şərqşünas sosioloq alim dosent şair bəstəkar rejissor aktyor müğənni rəssam memar mühəndis çempion qrossmeyster ' +
      'şahmatçı nümayəndə sahibkar pianoçu türkoloq'
    ).split(' '),
    roleForms: [],
    roleSuffixes: [],
    roleStop: ['ilə', 'və', 'ki', 'müsahibəsində', 'müsahibədə', 'bu'],
    roleLinks: [],
    roleConjunctions: ['və'],
    nameParticles: [],
    copulas: [],
    articles: [],
    patronymicEndings: [],
    complementFollowsRole: false,
    transliteration: 'ə a,c dzh,ç ch,ş sh,ğ g,ı i,ö o,ü u,x kh,q g,j zh'.split(','),
    patronymicWords: ['oğlu', 'qızı'],
  },
};
