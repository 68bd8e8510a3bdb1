/**
 * A labelled set of interviews published in several languages: 15 interviews, each in two to four of English,
 * Russian, Azerbaijani and Turkish (the way one outlet's interview is translated by others: same turns in the
 * same order, same figures and names, answers reworded in each language), plus interviews that are not
 * translations of them: the same person interviewed again the same day by another outlet (other questions,
 * other figures; some with the same number of turns), and namesakes. Written for these tests from a phrasebook:
 * each kind of turn has a question and answer in every language with places for figures and names.
 */
import type { NormalizedItem, SourceRef } from '../../src/core/item.js';
import { assignTurnIds } from '../../src/core/turn-ids.js';

type Lang = 'en' | 'ru' | 'az' | 'tr';
type Slots = { n: string; m: string; x: string };
type Phrase = Record<Lang, [question: string, answer: string]>;

/** Kinds of turns. Figures go in {n} and {m}, a name in {x}; every language keeps them. */
const PHRASES: Phrase[] = [
  {
    en: ['How much gas will the corridor carry this year?', 'I expect about {n} billion cubic metres, and by {m} the volume will grow, as {x} confirmed.'],
    ru: ['Сколько газа пройдёт по коридору в этом году?', 'Я ожидаю около {n} миллиардов кубометров, а к {m} году объём вырастет, это подтвердил и {x}.'],
    az: [
      'Bu il dəhliz ilə nə qədər qaz nəql ediləcək?',
      'Mən təxminən {n} milyard kubmetr gözləyirəm, {m}-ci ilə qədər isə həcm artacaq, bunu {x} da təsdiqlədi.',
    ],
    tr: ['Bu yıl koridordan ne kadar gaz taşınacak?', 'Yaklaşık {n} milyar metreküp bekliyorum, {m} yılına kadar hacim artacak, bunu {x} de doğruladı.'],
  },
  {
    en: ['What do you make of the talks in {x}?', 'The talks went well: {n} documents were signed, and the next round is planned for {m}.'],
    ru: ['Как вы оцениваете переговоры в {x}?', 'Переговоры прошли хорошо: подписано {n} документов, а следующий раунд намечен на {m} год.'],
    az: ['{x} danışıqlarını necə qiymətləndirirsiniz?', 'Danışıqlar yaxşı keçdi: {n} sənəd imzalandı, növbəti raund isə {m}-ci ilə planlaşdırılır.'],
    tr: ['{x} görüşmelerini nasıl değerlendiriyorsunuz?', 'Görüşmeler iyi geçti: {n} belge imzalandı, bir sonraki tur ise {m} yılı için planlanıyor.'],
  },
  {
    en: [
      'Is the budget enough?',
      'Frankly, it is not. We need {n} million manats more, and the ministry promised {m} million, so the gap remains, as the minister {x} admitted.',
    ],
    ru: [
      'Достаточно ли бюджета?',
      'Откровенно говоря, нет. Нам нужно ещё {n} миллионов манатов, министерство обещало {m} миллионов, так что разрыв остаётся, что признал и министр {x}.',
    ],
    az: [
      'Büdcə kifayət edirmi?',
      'Açığı, yox. Bizə daha {n} milyon manat lazımdır, nazirlik isə {m} milyon vəd edib, yəni fərq qalır, bunu nazir {x} də etiraf etdi.',
    ],
    tr: [
      'Bütçe yeterli mi?',
      'Açıkçası hayır. {n} milyon manata daha ihtiyacımız var, bakanlık ise {m} milyon söz verdi, yani açık sürüyor, bunu bakan {x} de kabul etti.',
    ],
  },
  {
    en: ['When will the road be finished?', 'By {m}. About {n} kilometres are ready.'],
    ru: ['Когда будет завершено строительство дороги?', 'К {m} году. Готово уже около {n} километров.'],
    az: ['Yolun tikintisi nə vaxt başa çatacaq?', '{m}-ci ilə qədər. Artıq təxminən {n} kilometr hazırdır.'],
    tr: ['Yol ne zaman tamamlanacak?', '{m} yılına kadar. Yaklaşık {n} kilometre hazır.'],
  },
  {
    en: [
      'What is your forecast for inflation?',
      'I think it will stay near {n} percent this year and fall to {m} percent next year, unless prices for oil change, as the bank of {x} warns.',
    ],
    ru: [
      'Каков ваш прогноз по инфляции?',
      'Думаю, в этом году она останется около {n} процентов и снизится до {m} процентов в следующем, если не изменятся цены на нефть, о чём предупреждает банк {x}.',
    ],
    az: [
      'İnflyasiya ilə bağlı proqnozunuz nədir?',
      'Düşünürəm ki, bu il o, {n} faiz civarında qalacaq və gələn il {m} faizə enəcək, əgər neftin qiyməti dəyişməsə, bu barədə {x} bankı xəbərdarlıq edir.',
    ],
    tr: [
      'Enflasyon tahmininiz nedir?',
      'Bu yıl yüzde {n} civarında kalacağını ve gelecek yıl yüzde {m} seviyesine ineceğini düşünüyorum, petrol fiyatları değişmezse, bu konuda {x} bankası uyarıyor.',
    ],
  },
  {
    en: ['How many students study abroad?', 'Around {n}. Last year there were {m}, mostly in {x}.'],
    ru: ['Сколько студентов учится за рубежом?', 'Около {n}. В прошлом году их было {m}, в основном в {x}.'],
    az: ['Xaricdə neçə tələbə təhsil alır?', 'Təxminən {n}. Keçən il onların sayı {m} idi, əsasən {x}.'],
    tr: ['Yurt dışında kaç öğrenci okuyor?', 'Yaklaşık {n}. Geçen yıl {m} idi, çoğu {x}.'],
  },
  {
    en: [
      'Will the festival return?',
      'Yes, in {m}. We expect {n} guests, and the opening concert is already booked, with a programme that {x} is preparing for us this winter.',
    ],
    ru: ['Вернётся ли фестиваль?', 'Да, в {m} году. Мы ждём {n} гостей, концерт открытия уже забронирован, а программу для нас этой зимой готовит {x}.'],
    az: [
      'Festival geri qayıdacaqmı?',
      'Bəli, {m}-ci ildə. {n} qonaq gözləyirik, açılış konserti artıq sifariş edilib, proqramı isə bu qış bizim üçün {x} hazırlayır.',
    ],
    tr: [
      'Festival geri dönecek mi?',
      'Evet, {m} yılında. {n} misafir bekliyoruz, açılış konseri şimdiden ayarlandı, programı ise bu kış bizim için {x} hazırlıyor.',
    ],
  },
  {
    en: ['What about the harvest?', 'Good: {n} tonnes of cotton, {m} more than planned.'],
    ru: ['Что с урожаем?', 'Хороший: {n} тонн хлопка, на {m} больше плана.'],
    az: ['Məhsul necədir?', 'Yaxşıdır: {n} ton pambıq, plandan {m} çox.'],
    tr: ['Hasat nasıl?', 'İyi: {n} ton pamuk, plandan {m} fazla.'],
  },
];

/** A name as each language writes it. */
type Name = Record<Lang, string>;

const NAMES: Name[] = [
  { en: 'Putin', ru: 'Путин', az: 'Putin', tr: 'Putin' },
  { en: 'Brussels', ru: 'Брюсселе', az: 'Brüssel', tr: 'Brüksel' },
  { en: 'Mammadov', ru: 'Мамедов', az: 'Məmmədov', tr: 'Memmedov' },
  { en: 'Georgia', ru: 'Грузии', az: 'Gürcüstanda', tr: 'Gürcistan' },
  { en: 'Italy', ru: 'Италии', az: 'İtaliyada', tr: 'İtalya' },
];

/** The interviewees, in each language's spelling. */
const PEOPLE: Name[] = [
  { en: 'Grigory Trofimchuk', ru: 'Григорий Трофимчук', az: 'Qriqori Trofimçuk', tr: 'Grigoriy Trofimçuk' },
  { en: 'Leyla Abdullayeva', ru: 'Лейла Абдуллаева', az: 'Leyla Abdullayeva', tr: 'Leyla Abdullayeva' },
  { en: 'Hikmet Hajiyev', ru: 'Хикмет Гаджиев', az: 'Hikmət Hacıyev', tr: 'Hikmet Hacıyev' },
  { en: 'Farhad Mammadov', ru: 'Фархад Мамедов', az: 'Fərhad Məmmədov', tr: 'Ferhat Memmedov' },
  { en: 'Zaur Shiriyev', ru: 'Заур Шириев', az: 'Zaur Şiriyev', tr: 'Zaur Şiriyev' },
];

/** An interview: who, when, which turns with which figures and names, and the languages it appeared in. */
export interface LabelledInterview {
  label: string;
  person: number;
  /** Day offset from 2025-06-10 and hour. */
  day: number;
  hour: number;
  turns: Array<{ phrase: number; slots: { n: string; m: string; name: number } }>;
  languages: Lang[];
  /** The version in a language that left one turn out (its index), as an outlet cutting a long interview does. */
  cut?: Partial<Record<Lang, number>>;
  /** Languages whose outlet groups the thousands of counts its own way (`5,100`, `5 100`, `5.100`). */
  grouped?: Lang[];
  /** Languages whose outlet wrote the turn's second figure out in words (so it is missing from the numbers). */
  spelled?: Partial<Record<Lang, number>>;
}

const t = (phrase: number, n: string, m: string, name = 0) => ({ phrase, slots: { n, m, name } });

/** 18 interviews, each in two or more languages; the last three with the differences real translations have. */
export const INTERVIEWS: LabelledInterview[] = [
  {
    label: 'gas 1',
    person: 0,
    day: 0,
    hour: 9,
    languages: ['en', 'ru', 'az'],
    turns: [t(0, '12.9', '2030', 0), t(1, '4', '2026', 1), t(4, '5.1', '4.2', 2), t(3, '140', '2027')],
  },
  {
    label: 'budget',
    person: 1,
    day: 0,
    hour: 10,
    languages: ['az', 'ru'],
    turns: [t(2, '35', '20', 2), t(5, '1200', '950', 4), t(3, '60', '2028'), t(7, '310', '15')],
  },
  {
    label: 'festival',
    person: 1,
    day: 1,
    hour: 12,
    languages: ['az', 'en', 'tr'],
    turns: [t(6, '5000', '2026', 2), t(2, '3', '1.5', 2), t(1, '2', '2027', 1)],
  },
  {
    label: 'inflation',
    person: 2,
    day: 2,
    hour: 8,
    languages: ['ru', 'az', 'en', 'tr'],
    turns: [t(4, '6.5', '5', 1), t(0, '11', '2029', 0), t(2, '48', '30', 2), t(5, '800', '640', 3)],
  },
  {
    label: 'roads',
    person: 3,
    day: 3,
    hour: 11,
    languages: ['az', 'ru'],
    turns: [t(3, '210', '2026'), t(2, '90', '70', 2), t(7, '205', '12'), t(1, '7', '2026', 1), t(4, '4.9', '4', 1)],
  },
  { label: 'students', person: 4, day: 4, hour: 9, languages: ['en', 'ru'], turns: [t(5, '3400', '2900', 3), t(6, '1500', '2026', 2), t(2, '12', '8', 2)] },
  {
    label: 'talks',
    person: 0,
    day: 5,
    hour: 15,
    languages: ['ru', 'en'],
    turns: [t(1, '6', '2026', 1), t(0, '10.2', '2031', 0), t(4, '5.5', '4.8', 1), t(3, '95', '2029')],
  },
  {
    label: 'harvest',
    person: 3,
    day: 6,
    hour: 7,
    languages: ['az', 'tr', 'ru'],
    turns: [t(7, '480', '25'), t(2, '14', '9', 2), t(3, '33', '2026'), t(5, '150', '120', 4)],
  },
  {
    label: 'gas 2',
    person: 2,
    day: 7,
    hour: 13,
    languages: ['en', 'az'],
    turns: [t(0, '13.4', '2032', 0), t(1, '3', '2026', 1), t(7, '120', '8'), t(4, '6.1', '5.2', 1)],
  },
  {
    label: 'culture',
    person: 4,
    day: 8,
    hour: 10,
    languages: ['tr', 'az', 'en'],
    turns: [t(6, '2500', '2027', 2), t(5, '640', '600', 4), t(2, '4.5', '2.5', 2)],
  },
  {
    label: 'border',
    person: 0,
    day: 9,
    hour: 16,
    languages: ['ru', 'az'],
    turns: [t(1, '11', '2027', 1), t(3, '76', '2028'), t(2, '22', '18', 2), t(0, '9.8', '2030', 0), t(4, '4.4', '3.9', 1)],
  },
  {
    label: 'education',
    person: 1,
    day: 10,
    hour: 9,
    languages: ['en', 'az', 'ru'],
    turns: [t(5, '5100', '4700', 3), t(2, '16', '11', 2), t(6, '900', '2026', 2), t(3, '18', '2027')],
  },
  { label: 'energy', person: 3, day: 11, hour: 14, languages: ['ru', 'tr'], turns: [t(0, '14.1', '2033', 0), t(4, '7.2', '6', 1), t(1, '5', '2026', 1)] },
  {
    label: 'agriculture',
    person: 2,
    day: 12,
    hour: 8,
    languages: ['az', 'en'],
    turns: [t(7, '530', '40'), t(3, '120', '2029'), t(5, '210', '180', 4), t(2, '27', '19', 2)],
  },
  {
    label: 'summit',
    person: 4,
    day: 13,
    hour: 11,
    languages: ['en', 'ru', 'az', 'tr'],
    turns: [t(1, '9', '2026', 1), t(0, '12.2', '2031', 0), t(6, '3000', '2026', 2), t(4, '5.8', '5', 1)],
  },
  {
    label: 'universities, one turn cut in Russian',
    person: 1,
    day: 14,
    hour: 10,
    languages: ['en', 'ru', 'az'],
    cut: { ru: 2 },
    turns: [t(5, '4200', '3900', 3), t(2, '19', '12', 2), t(3, '64', '2028'), t(6, '1800', '2027', 2), t(4, '6.2', '5.4', 1)],
  },
  {
    label: 'pipeline, thousands grouped',
    person: 2,
    day: 15,
    hour: 9,
    languages: ['en', 'ru', 'tr', 'az'],
    grouped: ['en', 'ru', 'tr'],
    turns: [t(5, '12400', '11800', 3), t(0, '15.6', '2034', 0), t(7, '2150', '90'), t(2, '52', '37', 2)],
  },
  {
    label: 'exports, a figure in words, a turn cut in Turkish',
    person: 4,
    day: 16,
    hour: 12,
    languages: ['az', 'tr', 'en'],
    spelled: { en: 1 },
    cut: { tr: 4 },
    turns: [t(2, '44', '31', 2), t(5, '2600', '2300', 3), t(3, '81', '2027'), t(0, '7.7', '2029', 0), t(4, '3.9', '3.1', 1)],
  },
];

/**
 * Interviews that translate none of the above: the same person the same day by another outlet (other turns or
 * other figures; the first two with as many turns as the interview of that morning), in another language.
 */
export const OTHER_INTERVIEWS: LabelledInterview[] = [
  {
    label: 'gas 1, same day, other outlet',
    person: 0,
    day: 0,
    hour: 15,
    languages: ['ru'],
    turns: [t(1, '2', '2027', 1), t(5, '700', '650', 3), t(3, '88', '2026'), t(7, '90', '6')],
  },
  {
    label: 'budget, same day',
    person: 1,
    day: 0,
    hour: 18,
    languages: ['en'],
    turns: [t(2, '41', '25', 2), t(5, '1300', '990', 4), t(3, '72', '2029'), t(7, '280', '11')],
  },
  { label: 'inflation, same day', person: 2, day: 2, hour: 17, languages: ['az'], turns: [t(6, '700', '2026', 2), t(3, '55', '2028'), t(1, '1', '2025', 1)] },
  {
    label: 'roads, same day',
    person: 3,
    day: 3,
    hour: 19,
    languages: ['en'],
    turns: [t(0, '8.8', '2028', 0), t(7, '150', '10'), t(4, '5.3', '4.1', 1), t(6, '1200', '2027', 2), t(5, '300', '280', 4)],
  },
  {
    label: 'universities, same day, one turn fewer, same kinds of turns',
    person: 1,
    day: 14,
    hour: 16,
    languages: ['tr'],
    turns: [t(5, '4100', '3700', 3), t(2, '21', '12', 2), t(6, '1700', '2027', 2), t(4, '6.0', '5.4', 1)],
  },
  {
    label: 'pipeline, same day, other figures',
    person: 2,
    day: 15,
    hour: 17,
    languages: ['az'],
    grouped: ['az'],
    turns: [t(5, '12400', '10900', 3), t(0, '14.9', '2034', 0), t(7, '1950', '85'), t(2, '48', '37', 2)],
  },
  {
    label: 'summit, same day',
    person: 4,
    day: 13,
    hour: 18,
    languages: ['tr'],
    turns: [t(1, '9', '2026', 1), t(5, '900', '850', 3), t(3, '44', '2027'), t(2, '13', '7', 2)],
  },
];

const outlet = (lang: Lang, index: number): SourceRef => {
  const id = `${lang}-outlet-${index}`;
  return { id, name: `Outlet ${lang.toUpperCase()} ${index}`, url: `https://${id}.example/`, itemUrl: `https://${id}.example/interview/${index}` };
};

/** A count as each language's outlets group its thousands: `12,400`, `12 400` (no-break space), `12.400`. */
function groupThousands(value: string, lang: Lang): string {
  const separator = { en: ',', ru: '\u00a0', az: ' ', tr: '.' }[lang];
  const groups: string[] = [];
  for (let end = value.length; end > 0; end -= 3) groups.unshift(value.slice(Math.max(0, end - 3), end));
  return groups.join(separator);
}

/** A figure written out in words (what a translator sometimes does): no number left to compare. */
const SPELLED: Record<Lang, string> = { en: 'several thousand', ru: 'несколько тысяч', az: 'bir neçə min', tr: 'birkaç bin' };

const fill = (text: string, slots: Slots) => text.replaceAll('{n}', slots.n).replaceAll('{m}', slots.m).replaceAll('{x}', slots.x);

/** One interview as an outlet in `lang` publishes it (normalized item), `minutes` after the first publication. */
export function renderInterview(interview: LabelledInterview, lang: Lang, key: string, minutes = 0): NormalizedItem {
  const at = new Date(Date.UTC(2025, 5, 10 + interview.day, interview.hour) + minutes * 60_000).toISOString();
  const figure = (value: string) => (interview.grouped?.includes(lang) && /^\d{4,}$/.test(value) ? groupThousands(value, lang) : value);
  const qa = assignTurnIds(
    interview.turns
      .filter((_, i) => interview.cut?.[lang] !== i)
      .map(({ phrase, slots }, i) => {
        const m = interview.spelled?.[lang] === i ? SPELLED[lang] : figure(slots.m);
        const filled = { n: figure(slots.n), m, x: NAMES[slots.name]![lang] };
        const [question, answer] = PHRASES[phrase]![lang];
        return { question: fill(question, filled), answer: fill(answer, filled) };
      }),
  );
  const name = PEOPLE[interview.person]![lang];
  const source = outlet(lang, INTERVIEWS.indexOf(interview) + 100 * OTHER_INTERVIEWS.indexOf(interview) + 1000);
  const title = `${name}: ${qa[0]!.question}`;
  return {
    id: `story-${key}-${lang}`,
    url: source.itemUrl,
    title,
    kind: 'interview',
    language: lang,
    publishedAt: at,
    updatedAt: at,
    summary: qa[0]!.answer,
    contentHtml: '',
    contentText: qa.flatMap((turn) => [turn.question, turn.answer]).join('\n\n'),
    source,
    sources: [source],
    images: [],
    interview: { interviewee: { name }, interviewer: source.name, headline: title, intro: '', qa },
  };
}
