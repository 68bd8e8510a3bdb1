import type { EndingRule, Lexicon } from './lexicon.js';

const CONSONANT = '[бвгджзклмнпрстфхцчшщ]';
/** Surname endings shared by masculine forms of the same case: Марков-, Алиев-, Пушкин-. */
const POSSESSIVE_SURNAME = '(ов|ев|ёв|ин|ын)';
const ending = (inflected: string, nominative: string): EndingRule => [inflected, nominative];

/** Russian. */
export const ru: Lexicon = {
  code: 'ru',
  name: 'Russian',
  // Cyrillic text that no other Cyrillic language's letters claim is read as Russian, whatever its words.
  signature: { code: 'ru', script: 'Cyrillic', stopwords: ['и', 'в', 'не', 'на', 'что', 'с', 'по', 'это', 'как', 'для', 'он', 'она'], scriptDefault: true },
  switcherLabels: ['RU', 'RUS', 'РУС', 'Русский'],
  interviewWords: ['интервью'],

  turns: { questionLetters: ['В'], questionWords: ['вопрос'], answerLetters: ['О'], answerWords: ['ответ'] },

  genre: {
    exclusiveWords: ['эксклюзивное'],
    withWords: ['с', 'со'],
    introPhrases: ['беседе', 'побеседовал*', 'рассказал* в'],
    outletCues: [{ before: ['интервью', 'беседе с'], nouns: ['агентству', 'изданию', 'порталу'], maxWords: 1 }],
  },

  voice: {
    firstPerson: ['я', 'мне', 'меня', 'мной', 'мой', 'моя', 'моё', 'мое', 'мои', 'мы', 'нас', 'нам', 'наш*', 'считаю', 'думаю'],
    secondPerson: ['вы', 'вас', 'вам', 'вами', 'ваш*'],
    secondPersonEndings: [],
  },

  furniture: {
    related: ['читайте также', 'также читайте', 'смотрите также', 'ещё по теме', 'еще по теме', 'по теме', 'новости по теме'],
    leaveLinks: ['подробнее', 'читать далее', 'читать полностью', 'подписывайтесь …'],
    // "vk" and "ok": the share buttons of VKontakte and Odnoklassniki.
    widgetWords: ['поделиться', 'комментарии', 'избранное', 'в избранное', 'подписаться', 'реклама', 'теги', 'vk', 'ok'],
    counterNouns: ['просмотр*', 'комментари*'],
    counterLabels: ['просмотр*'],
    counterSuffixes: ['к'],
    homeCrumbs: ['главная', 'главная страница'],
    sourceLabels: ['источник'],
    interviewerCredits: ['интервью взял', 'интервью взяла', 'интервью записал', 'интервью записала', 'интервью подготовил', 'интервью подготовила'],
    editorNotes: [],
    tagLabels: ['теги', 'метки'],
    staffCredits: [],
  },

  notices: [
    { topics: ['рассылк*'], actions: ['подпис*', 'подпиш*'] },
    { topics: ['комментари*'], actions: ['модерац*', 'модератор*'] },
    { topics: ['cookie', 'cookies', 'куки'], actions: ['использу*', 'соглаш*', 'соглас*'] },
  ],

  captions: {
    creditWords: ['фото', 'фотография'],
    creditBy: [],
    lowercaseCredits: [
      'пресс-служб',
      'архив',
      'личного архив',
      'семейного архив',
      'из архив',
      'из личного архив',
      'из семейного архив',
      'открыт* источник',
      'из открыт* источник',
      'соцсет',
      'автор',
    ],
  },

  people: {
    roleWords: [],
    roleStems: (
      'эксперт политолог аналитик экономист профессор директор руководител глава председател министр посол депутат ' +
      'президент основател редактор журналист писател историк дипломат генерал советник сотрудник специалист доцент ' +
      'ректор член заведующ востоковед социолог юрист адвокат врач тренер политик публицист режиссер режиссёр актер актёр ' +
      'певиц певец композитор художник архитектор инженер чемпион исследовател учены учёны представител губернатор мэр ' +
      'обозревател комментатор предпринимател гроссмейстер шахматист пианист'
    ).split(' '),
    // Forms of "посол" whose stem loses its vowel, which a word-beginning stem cannot match.
    roleForms: ['посла', 'послу', 'послом', 'послы', 'послов', 'послам', 'послами'],
    roleSuffixes: [],
    roleStop: 'в во с со интервью беседе рассказал рассказала задал задала задали ответил ответила побеседовал и что как по на нашему'.split(' '),
    roleLinks: ['в', 'во', 'при', 'по'],
    roleConjunctions: ['и'],
    nameParticles: [],
    copulas: [],
    articles: [],
    patronymicEndings: ['ович', 'евич', 'ьич', 'овн', 'евн', 'ичн'],
    // "посол России Михаил Петров", "директор Института Кавказа …": the complement is genitive, with no link word.
    complementFollowsRole: true,
    transliteration: (
      'а a,б b,в v,г g,д d,е e,ё e,ж zh,з z,и i,й y,к k,л l,м m,н n,о o,п p,р r,с s,т t,у u,ф f,х kh,ц ts,ч ch,ш sh,' +
      'щ shch,ъ,ы y,ь,э e,ю yu,я ya,і i,ї yi,є ye,ґ g'
    ).split(','),
    patronymicWords: ['оглы', 'кызы'],
    nameCases: {
      nameWord: '[А-ЯЁ][а-яё-]+',
      cases: [
        {
          // Only trusted after "с"/"со": without the preposition an -ем/-ом word may well be a nominative (Салем, Эрдем).
          name: 'instrumental',
          after: ['с', 'со'],
          surnameMayStay: true,
          declensions: [
            {
              given: [
                ending('ием', 'ий'),
                ending('еем', 'ей'),
                // Игорем, Шамилем: a soft stem; other consonants take -ом.
                ending('([лнр])ем', '$1ь'),
                ending(`(${CONSONANT})ом`, '$1'),
                // Никитой, Мусой: masculine names in -а.
                ending(`(${CONSONANT})ой`, '$1а'),
              ],
              patronymic: [ending('ичем', 'ич')],
              surname: [ending(`${POSSESSIVE_SURNAME}ым`, '$1'), ending('([сц]к)им', '$1ий'), ending(`(${CONSONANT})ом`, '$1')],
            },
            {
              given: [ending(`(${CONSONANT})ой`, '$1а'), ending('ией', 'ия'), ending('ьей', 'ья')],
              patronymic: [ending('(вн|чн)ой', '$1а')],
              surname: [ending(`${POSSESSIVE_SURNAME}ой`, '$1а'), ending('([сц]к)ой', '$1ая')],
            },
          ],
          roleNoun: [ending('(тел)ем', '$1ь'), ending('(ц)ей', '$1а'), ending(`(${CONSONANT})ом`, '$1'), ending(`(${CONSONANT})ой`, '$1а')],
        },
        {
          // Needs no preposition ("Сергею Маркову задали вопрос"), so trusted only when the surname shows the case too:
          // a first name alone in -у may be foreign (Абу, Лу).
          name: 'dative',
          surnameMayStay: false,
          declensions: [
            {
              given: [ending('ию', 'ий'), ending('ею', 'ей'), ending('([лнр])ю', '$1ь'), ending(`(${CONSONANT})у`, '$1')],
              patronymic: [ending('ичу', 'ич')],
              surname: [ending(`${POSSESSIVE_SURNAME}у`, '$1'), ending('([сц]к)ому', '$1ий'), ending(`(${CONSONANT})у`, '$1')],
            },
            {
              given: [ending(`(${CONSONANT})е`, '$1а'), ending('ии', 'ия'), ending('ье', 'ья')],
              patronymic: [ending('(вн|чн)е', '$1а')],
              surname: [ending(`${POSSESSIVE_SURNAME}ой`, '$1а'), ending('([сц]к)ой', '$1ая')],
            },
          ],
          roleNoun: [ending('(тел)ю', '$1ь'), ending(`(${CONSONANT})у`, '$1'), ending(`(${CONSONANT})е`, '$1а')],
        },
      ],
      // Бюльбюльоглы, Гусейнзаде, Шевченко.
      indeclinableSurnameEndings: ['оглу', 'оглы', 'заде', 'ко'],
      fleetingVowels: { Павл: 'Павел', Льв: 'Лев' },
      roleFleetingVowels: { посл: 'посол', Посл: 'Посол' },
    },
  },
};
