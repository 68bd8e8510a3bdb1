import type { KnownLanguage } from './lexicon.js';

/**
 * Languages the normalizer recognizes without reading their texts: their detection signature (so an item gets its
 * language even so), the labels of a language switcher naming them (site furniture), and their word for an
 * interview where outlets of the region print it in a title. Promoting one to a read language means writing its
 * full lexicon file and moving it from here to `LEXICONS`.
 */
export const OTHER_LANGUAGES: readonly KnownLanguage[] = [
  {
    code: 'de',
    signature: { code: 'de', script: 'Latin', stopwords: ['der', 'die', 'und', 'das', 'ist', 'nicht', 'mit', 'den', 'ein', 'eine', 'auch', 'sich'] },
    switcherLabels: ['DE', 'Deutsch'],
    notices: [
      { topics: ['newsletter*'], actions: ['abonn*', 'anmeld*', 'bestell*'] },
      { topics: ['kommentar*'], actions: ['moderiert*', 'moderator*', 'freigeschaltet'] },
    ],
  },
  {
    code: 'fr',
    signature: { code: 'fr', script: 'Latin', stopwords: ['le', 'la', 'les', 'et', 'des', 'est', 'une', 'pour', 'dans', 'pas', 'qui', 'que', 'sur'] },
    switcherLabels: ['FR', 'Français'],
    interviewWords: ['entretien'],
    notices: [
      { topics: ['newsletter*', 'lettre d’information'], actions: ['inscri*', 'abonne*'] },
      { topics: ['commentaire*'], actions: ['modér*', 'moder*'] },
    ],
  },
  {
    code: 'es',
    signature: { code: 'es', script: 'Latin', stopwords: ['el', 'los', 'las', 'y', 'es', 'una', 'para', 'por', 'con', 'que', 'del', 'se', 'no'] },
    switcherLabels: ['ES', 'Español'],
    interviewWords: ['entrevista'],
    notices: [
      { topics: ['boletín', 'newsletter*'], actions: ['suscrib*', 'regístr*'] },
      { topics: ['comentario*'], actions: ['moderad*', 'moderación'] },
    ],
  },
  // Kazakh before Ukrainian: its own letters are looked for first.
  {
    code: 'kk',
    signature: { code: 'kk', script: 'Cyrillic', ownLetters: { letters: 'әғқңөұүһ', minShare: 0.01 }, stopwords: [] },
    switcherLabels: ['KZ', 'ҚАЗ', 'Қазақша'],
  },
  {
    code: 'uk',
    signature: { code: 'uk', script: 'Cyrillic', ownLetters: { letters: 'іїєґ', minShare: 0.005 }, stopwords: [] },
    switcherLabels: ['UA', 'UK', 'УКР', 'Українська'],
  },
  {
    code: 'it',
    switcherLabels: ['IT'],
    notices: [
      { topics: ['newsletter*'], actions: ['iscri*', 'abbona*'] },
      { topics: ['comment*'], actions: ['moderat*', 'moderazione'] },
    ],
  },
  {
    code: 'pt',
    switcherLabels: ['PT', 'Português'],
    notices: [
      { topics: ['newsletter*'], actions: ['assin*', 'inscrev*', 'cadastr*'] },
      { topics: ['comentário*', 'comentario*'], actions: ['moderador*', 'moderação', 'moderados'] },
    ],
  },
  { code: 'ar', switcherLabels: ['AR', 'عربي', 'العربية'] },
  { code: 'fa', switcherLabels: ['FA', 'فارسی'] },
  { code: 'ka', switcherLabels: ['KA', 'GE', 'ქართული'] },
  { code: 'hy', switcherLabels: ['HY', 'Հայերեն'] },
  { code: 'uz', switcherLabels: ['UZ', 'Oʻzbekcha'] },
  { code: 'tg', switcherLabels: ['TJ'] },
  { code: 'ky', switcherLabels: ['KG'] },
  { code: 'pl', switcherLabels: ['PL'] },
  { code: 'zh', switcherLabels: ['CN', 'ZH'] },
  { code: 'ja', switcherLabels: ['JP'] },
];
