/**
 * A labelled set of people: each with the spellings outlets give the name in English, Russian (Cyrillic),
 * Azerbaijani and Turkish texts, with the language of the text it appears in; and near-namesakes (same surname,
 * close given names, the feminine form, a surname one suffix apart) that are other people and must keep their own
 * id. Written by hand for these tests; names of public figures and invented ones alike.
 */

export interface LabelledPerson {
  label: string;
  forms: Array<[name: string, language: string]>;
}

export const PEOPLE: LabelledPerson[] = [
  {
    label: 'Grigory Trofimchuk',
    forms: [
      ['Grigory Trofimchuk', 'en'],
      ['Григорий Трофимчук', 'ru'],
      ['Qriqori Trofimçuk', 'az'],
      ['Grigoriy Trofimçuk', 'tr'],
      ['Trofimchuk Grigory', 'en'],
    ],
  },
  {
    label: 'Ilham Aliyev',
    forms: [
      ['Ilham Aliyev', 'en'],
      ['Ильхам Алиев', 'ru'],
      ['İlham Əliyev', 'az'],
      ['İlham Aliyev', 'tr'],
      ['İlham Heydər oğlu Əliyev', 'az'],
    ],
  },
  {
    label: 'Recep Tayyip Erdogan',
    forms: [
      ['Recep Tayyip Erdogan', 'en'],
      ['Реджеп Тайип Эрдоган', 'ru'],
      ['Rəcəb Tayyib Ərdoğan', 'az'],
      ['Recep Tayyip Erdoğan', 'tr'],
    ],
  },
  {
    label: 'Vladimir Putin',
    forms: [
      ['Vladimir Putin', 'en'],
      ['Владимир Путин', 'ru'],
      ['Владимир Владимирович Путин', 'ru'],
      ['Vladimir Putin', 'az'],
      ['Путин Владимир Владимирович', 'ru'],
    ],
  },
  {
    label: 'Hikmet Hajiyev',
    forms: [
      ['Hikmet Hajiyev', 'en'],
      ['Хикмет Гаджиев', 'ru'],
      ['Hikmət Hacıyev', 'az'],
      ['Hikmet Hacıyev', 'tr'],
    ],
  },
  {
    label: 'Jeyhun Bayramov',
    forms: [
      ['Jeyhun Bayramov', 'en'],
      ['Джейхун Байрамов', 'ru'],
      ['Ceyhun Bayramov', 'az'],
      ['Ceyhun Bayramov', 'tr'],
    ],
  },
  {
    label: 'Yevgeny Primakov',
    forms: [
      ['Yevgeny Primakov', 'en'],
      ['Evgeny Primakov', 'en'],
      ['Евгений Примаков', 'ru'],
      ['Yevgeni Primakov', 'az'],
    ],
  },
  {
    label: 'Alexander Dugin',
    forms: [
      ['Alexander Dugin', 'en'],
      ['Александр Дугин', 'ru'],
      ['Aleksandr Duqin', 'az'],
      ['Aleksandr Dugin', 'tr'],
    ],
  },
  {
    label: 'Sergey Lavrov',
    forms: [
      ['Sergey Lavrov', 'en'],
      ['Sergei Lavrov', 'en'],
      ['Сергей Лавров', 'ru'],
      ['Sergey Lavrov', 'az'],
    ],
  },
  {
    label: 'Maria Zakharova',
    forms: [
      ['Maria Zakharova', 'en'],
      ['Мария Захарова', 'ru'],
      ['Mariya Zaxarova', 'az'],
      ['Maria Zaharova', 'tr'],
    ],
  },
  {
    label: 'Elchin Amirbayov',
    forms: [
      ['Elchin Amirbayov', 'en'],
      ['Эльчин Амирбеков', 'ru'],
      ['Elçin Əmirbəyov', 'az'],
    ],
  },
  {
    label: 'Farhad Mammadov',
    forms: [
      ['Farhad Mammadov', 'en'],
      ['Фархад Мамедов', 'ru'],
      ['Fərhad Məmmədov', 'az'],
      ['Ferhat Memmedov', 'tr'],
    ],
  },
  {
    label: 'Zaur Shiriyev',
    forms: [
      ['Zaur Shiriyev', 'en'],
      ['Заур Шириев', 'ru'],
      ['Zaur Şiriyev', 'az'],
    ],
  },
  {
    label: 'Hulusi Akar',
    forms: [
      ['Hulusi Akar', 'en'],
      ['Хулуси Акар', 'ru'],
      ['Hulusi Akar', 'tr'],
      ['Hulusi Akar', 'az'],
    ],
  },
  {
    label: 'Mevlut Cavusoglu',
    forms: [
      ['Mevlut Cavusoglu', 'en'],
      ['Мевлют Чавушоглу', 'ru'],
      ['Mövlud Çavuşoğlu', 'az'],
      ['Mevlüt Çavuşoğlu', 'tr'],
    ],
  },
  {
    label: 'Nikol Pashinyan',
    forms: [
      ['Nikol Pashinyan', 'en'],
      ['Никол Пашинян', 'ru'],
      ['Nikol Paşinyan', 'az'],
      ['Nikol Paşinyan', 'tr'],
    ],
  },
  {
    label: 'Kassym-Jomart Tokayev',
    forms: [
      ['Kassym-Jomart Tokayev', 'en'],
      ['Касым-Жомарт Токаев', 'ru'],
      ['Kasım-Jomart Tokayev', 'tr'],
      ['Kasım-Jomart Tokayev', 'az'],
    ],
  },
  {
    label: 'Leyla Abdullayeva',
    forms: [
      ['Leyla Abdullayeva', 'en'],
      ['Лейла Абдуллаева', 'ru'],
      ['Leyla Abdullayeva', 'az'],
    ],
  },
  {
    label: 'Khazar Ibrahim',
    forms: [
      ['Khazar Ibrahim', 'en'],
      ['Хазар Ибрагим', 'ru'],
      ['Xəzər İbrahim', 'az'],
    ],
  },
  {
    label: 'Dmitry Peskov',
    forms: [
      ['Dmitry Peskov', 'en'],
      ['Dmitri Peskov', 'en'],
      ['Дмитрий Песков', 'ru'],
      ['Dmitri Peskov', 'az'],
      ['Дмитрий Сергеевич Песков', 'ru'],
    ],
  },
  {
    label: 'Ramiz Mehdiyev',
    forms: [
      ['Ramiz Mehdiyev', 'en'],
      ['Рамиз Мехтиев', 'ru'],
      ['Ramiz Mehdiyev', 'az'],
    ],
  },
  {
    label: 'Tofig Zulfugarov',
    forms: [
      ['Tofig Zulfugarov', 'en'],
      ['Тофик Зульфугаров', 'ru'],
      ['Tofiq Zülfüqarov', 'az'],
    ],
  },
  {
    label: 'Svante Cornell',
    forms: [
      ['Svante Cornell', 'en'],
      ['Сванте Корнелл', 'ru'],
      ['Svante Kornell', 'az'],
    ],
  },
  {
    label: 'Ahmet Davutoglu',
    forms: [
      ['Ahmet Davutoglu', 'en'],
      ['Ахмет Давутоглу', 'ru'],
      ['Əhməd Davudoğlu', 'az'],
      ['Ahmet Davutoğlu', 'tr'],
    ],
  },
  // Near-namesakes of the people above: each is someone else.
  {
    label: 'Georgy Trofimchuk',
    forms: [
      ['Georgy Trofimchuk', 'en'],
      ['Георгий Трофимчук', 'ru'],
    ],
  },
  {
    label: 'Grigory Trofimov',
    forms: [
      ['Grigory Trofimov', 'en'],
      ['Григорий Трофимов', 'ru'],
    ],
  },
  {
    label: 'Mehriban Aliyeva',
    forms: [
      ['Mehriban Aliyeva', 'en'],
      ['Мехрибан Алиева', 'ru'],
      ['Mehriban Əliyeva', 'az'],
    ],
  },
  {
    label: 'Ilham Aliyeva (a namesake, feminine)',
    forms: [
      ['Ilhama Aliyeva', 'en'],
      ['Ильхама Алиева', 'ru'],
    ],
  },
  {
    label: 'Alexandra Dugina',
    forms: [
      ['Alexandra Dugina', 'en'],
      ['Александра Дугина', 'ru'],
      ['Aleksandra Duqina', 'az'],
    ],
  },
  {
    label: 'Sergey Lavrentyev',
    forms: [
      ['Sergey Lavrentyev', 'en'],
      ['Сергей Лаврентьев', 'ru'],
    ],
  },
  {
    label: 'Andrey Lavrov',
    forms: [
      ['Andrey Lavrov', 'en'],
      ['Андрей Лавров', 'ru'],
    ],
  },
  {
    label: 'Farid Mammadov',
    forms: [
      ['Farid Mammadov', 'en'],
      ['Фарид Мамедов', 'ru'],
      ['Fərid Məmmədov', 'az'],
    ],
  },
  {
    label: 'Farhad Mammadli',
    forms: [
      ['Farhad Mammadli', 'en'],
      ['Fərhad Məmmədli', 'az'],
    ],
  },
  {
    label: 'Leyla Abdullayev (no: Leyla Abdullah)',
    forms: [
      ['Leyla Abdullah', 'en'],
      ['Leyla Abdulla', 'az'],
    ],
  },
  {
    label: 'Ramil Mehdiyev',
    forms: [
      ['Ramil Mehdiyev', 'en'],
      ['Рамиль Мехтиев', 'ru'],
    ],
  },
  {
    label: 'Dmitry Peskovsky',
    forms: [
      ['Dmitry Peskovsky', 'en'],
      ['Дмитрий Песковский', 'ru'],
    ],
  },
  {
    label: 'Khazar Ibrahimov',
    forms: [
      ['Khazar Ibrahimov', 'en'],
      ['Xəzər İbrahimov', 'az'],
    ],
  },
];
