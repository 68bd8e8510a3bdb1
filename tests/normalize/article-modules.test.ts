import { describe, expect, it } from 'vitest';
import { analyzeArticle } from '../../src/normalize/article/analyze-article.js';
import { toBlocks } from '../../src/normalize/article/blocks.js';
import { isFurniture, parseCaption, removeBoilerplate } from '../../src/normalize/article/boilerplate.js';
import { gatherEvidence, isInterview } from '../../src/normalize/article/detect-interview.js';
import { extractTurns } from '../../src/normalize/article/extract-turns.js';
import { findInterviewee, findInterviewer, interviewHeadline } from '../../src/normalize/article/interviewee.js';
import { normalizeLanguageTag } from '../../src/content/text.js';
import { detectLanguage } from '../../src/normalize/article/language.js';
import { nominativeName, nominativeRoleHead } from '../../src/normalize/article/name-case.js';
import { sanitizeContentHtml } from '../../src/core/content-policy.js';

describe('toBlocks', () => {
  it('splits plain text on blank lines and keeps a column of widget words apart', () => {
    const blocks = toBlocks('First paragraph\nwrapped here.\n\nChosen\n3\n1\nnews.az');
    expect(blocks.map((b) => b.text)).toEqual(['First paragraph wrapped here.', 'Chosen', '3', '1', 'news.az']);
  });

  it('reads bold, headings, <br> breaks, figures and markdown bold', () => {
    const blocks = toBlocks(
      '<h3>Heading?</h3><p><strong>Q: Bold?</strong><br>A: Plain.</p><p>One<br><br>Two</p><figure><img src="/a.jpg"><figcaption>Cap (Photo: X)</figcaption></figure>',
      { baseUrl: 'https://x.az/n/1' },
    );
    expect(blocks.map((b) => [b.kind, b.text, b.bold])).toEqual([
      ['heading', 'Heading?', true],
      ['text', 'Q: Bold?', true],
      ['text', 'A: Plain.', false],
      ['text', 'One', false],
      ['text', 'Two', false],
      ['image', '', false],
    ]);
    expect(blocks[5]!.image).toEqual({ url: 'https://x.az/a.jpg', alt: '', caption: 'Cap (Photo: X)' });
    expect(toBlocks('**Is it bold?**\n\nYes.')[0]).toMatchObject({ text: 'Is it bold?', bold: true });
  });

  it('drops scripts, navigation and share widgets, and what the source rules select', () => {
    const html = '<nav>Home</nav><p>Text.</p><div class="share-bar">Share</div><script>x()</script><p class="promo-x">Buy</p><p class="own">Own</p>';
    expect(toBlocks(html, { removeSelectors: ['.own', ':::bad'] }).map((b) => b.text)).toEqual(['Text.']);
  });
});

describe('boilerplate', () => {
  const context = { title: 'Name Surname: Headline – INTERVIEW', sourceName: 'News.Az' };
  it.each([
    'EN',
    'AZ | RU | EN',
    'English Русский',
    'News about -Name Surname: Headline – INTERVIEW',
    'Name Surname: Headline – INTERVIEW | News.Az',
    'Chosen',
    '3',
    '2Sources',
    '12 shares',
    'Views: 2 341',
    '1 245 просмотров',
    'Baxış sayı: 1 532',
    'news.az',
    'News.Az',
    'Read more: Azerbaijan auctions 5G frequencies',
    'Читайте также: Баку и Ереван',
    'Oxşar xəbərlər',
    'Share on Facebook',
    'Поделиться:',
    'Теги: концерт',
    '/AZERTAC/',
    'Interviewed by Tom Ellison',
    '10.06.2025 13:00',
    'Home / Politics',
    'Главная / Политика / Интервью',
    'Ana səhifə » Siyasət',
    'Home > World > Europe',
    'Xəbərlər › Elm və təhsil › Müsahibə',
    'Source: News.Az',
    '(Источник: Report.az)',
    'Mənbə: APA.',
    'Kaynak: AA',
  ])('%s is furniture', (line) => {
    expect(isFurniture(line, context)).toBe(true);
  });

  it.each(['Thank you.', 'News about the summit was scarce in Moscow, he said.', 'Russia has no choice.', 'Source: officials. They said more.'])(
    '%s is not',
    (line) => {
      expect(isFurniture(line, context)).toBe(false);
    },
  );

  it('applies per-source patterns to whole paragraphs only', () => {
    expect(isFurniture('Sponsored by Acme', context, [/^(?:Sponsored by .+)$/iu])).toBe(true);
    const clean = removeBoilerplate(toBlocks('Keep this.\n\nSponsored by Acme\n\nAnd this, Sponsored by Acme.'), {
      title: 't',
      removePatterns: ['Sponsored by .+', '(unclosed'],
    });
    expect(clean.blocks.map((b) => b.text)).toEqual(['Keep this.', 'And this, Sponsored by Acme.']);
  });

  it('splits captions from credits', () => {
    expect(parseCaption('Photo: Flickr')).toEqual({ credit: 'Flickr' });
    expect(parseCaption('Фото: РИА Новости')).toEqual({ credit: 'РИА Новости' });
    expect(parseCaption('The port in Alat. (Photo: APA)')).toEqual({ caption: 'The port in Alat.', credit: 'APA' });
    expect(parseCaption('Biləsuvarda taxıl biçini. (Foto: Trend)')).toEqual({ caption: 'Biləsuvarda taxıl biçini.', credit: 'Trend' });
    expect(parseCaption('An ordinary sentence.')).toBeNull();
  });

  it('removes breadcrumbs, one separator only above the story, and keeps lines that merely hold a slash', () => {
    const kept = ['EU/US relations were discussed at length', 'Q: Home / Away?', 'Газета «Бакинский рабочий» / Архив', 'Baku / Tbilisi', 'Trains run daily.'];
    const body = ['Home / Politics', 'Politics / Interview', 'The talks went on.', ...kept].join('\n\n');
    expect(removeBoilerplate(toBlocks(body), { title: 't' }).blocks.map((b) => b.text)).toEqual(['The talks went on.', ...kept]);
  });

  it('splits a caption from an unbracketed credit after its last sentence', () => {
    expect(parseCaption('President Aliyev met the delegation in Baku. Photo: AZERTAC.')).toEqual({
      caption: 'President Aliyev met the delegation in Baku.',
      credit: 'AZERTAC',
    });
    expect(parseCaption('Участники саммита в Ханкенди. Фото: Report.az')).toEqual({ caption: 'Участники саммита в Ханкенди.', credit: 'Report.az' });
    expect(parseCaption('The opening of "Baku Energy Week." Photo by J. Smith / Reuters')).toEqual({
      caption: 'The opening of "Baku Energy Week."',
      credit: 'J. Smith / Reuters',
    });
    expect(parseCaption('Görüş Bakıda keçirilib. Foto – AZƏRTAC')).toEqual({ caption: 'Görüş Bakıda keçirilib.', credit: 'AZƏRTAC' });
    expect(parseCaption('Встреча в Баку. Фото: пресс-служба МИД')).toEqual({ caption: 'Встреча в Баку.', credit: 'пресс-служба МИД' });
    expect(parseCaption('Старый Баку. Фото: из открытых источников.')).toEqual({ caption: 'Старый Баку.', credit: 'из открытых источников' });
  });

  it('leaves prose that merely mentions a photo alone', () => {
    expect(parseCaption('We searched the archive for weeks. Photo: none of them survived the war')).toBeNull();
    expect(parseCaption('He kept one thing. Photo: The last one. He took it in Paris.')).toBeNull();
    expect(parseCaption('Did he take it himself? Photo: who knows')).toBeNull();
    expect(parseCaption('Then he showed me an old photo: my grandfather in uniform, standing in Shusha.')).toBeNull();
  });

  it('hands a credit line to the picture before it, and keeps a lone credit as an image without address', () => {
    const clean = removeBoilerplate(toBlocks('<p>Text.</p><img src="https://x.az/p.jpg"><p>Photo: Reuters</p><p>More.</p><p>Photo: AP</p>'), { title: 't' });
    expect(clean.images).toEqual([
      { url: 'https://x.az/p.jpg', credit: 'Reuters' },
      { url: '', credit: 'AP' },
    ]);
    expect(clean.blocks.filter((b) => b.kind === 'text').map((b) => b.text)).toEqual(['Text.', 'More.']);
  });

  it('takes the block right under an uncaptioned picture for its caption by its place, when it reads as one', () => {
    const under = (block: string, alt = '') => {
      const clean = removeBoilerplate(toBlocks(`<p>Before.</p><p><img src="https://x.az/p.jpg" alt="${alt}"></p>${block}<p>After.</p>`), { title: 't' });
      return { image: clean.images[0], texts: clean.blocks.filter((b) => b.kind === 'text').map((b) => b.text) };
    };
    // Read as captions, whatever their words: a phrase, a source set off at the end, a sentence repeating the alt text.
    expect(under('<p>Delegates at the opening session in Shusha</p>').image).toEqual({
      url: 'https://x.az/p.jpg',
      caption: 'Delegates at the opening session in Shusha',
    });
    expect(under('<p>Делегаты форума в Шуше / Report</p>').image).toMatchObject({ caption: 'Делегаты форума в Шуше', credit: 'Report' });
    expect(under('<p>Forumun iştirakçıları Şuşada | APA</p>').image).toMatchObject({ caption: 'Forumun iştirakçıları Şuşada', credit: 'APA' });
    expect(under('<p>Delegates at the opening in Shusha (AZERTAC)</p>').image).toMatchObject({
      caption: 'Delegates at the opening in Shusha',
      credit: 'AZERTAC',
    });
    expect(under('<p>The delegates gathered at the opening session in Shusha.</p>', 'Delegates at the opening session').image).toMatchObject({
      caption: 'The delegates gathered at the opening session in Shusha.',
    });
    // Read as the story going on: a question, a turn marker, bold, a sentence, two words, a lead-in.
    for (const block of [
      '<p>Did they agree?</p>',
      '<p>— We agreed on the date</p>',
      '<p>Q: The date of the talks</p>',
      '<p><strong>The date of the talks</strong></p>',
      '<p>That is what matters for families.</p>',
      '<p>Energy security</p>',
      '<p>The plan has three parts:</p>',
      // An enumeration under its pictures (a shopping list, a ranking) is the article's list, not captions.
      '<p>1) Lego Star Wars Resistance Bomber</p>',
      '<p>2. Polistil Electric Racing Track</p>',
      '<p>• Ghostbusters Collection Steelbook Edition</p>',
    ]) {
      const { image, texts } = under(block);
      expect(image, block).toEqual({ url: 'https://x.az/p.jpg' });
      expect(texts.length, block).toBe(3);
    }
    // Furniture stays furniture: removed, not taken for a caption.
    expect(under('<p>Read more: Aliyev meets Erdogan in Ankara</p>')).toEqual({ image: { url: 'https://x.az/p.jpg' }, texts: ['Before.', 'After.'] });
  });
});

describe('extractTurns', () => {
  const turns = (text: string) => extractTurns(toBlocks(text));
  /** Reads `text`, expecting the interview `found` there (a subset of its fields) with exactly the `expected` turns. */
  const expectTurns = (text: string, found: Partial<NonNullable<ReturnType<typeof turns>>>, expected: Array<{ question: string; answer: string }>) => {
    const result = turns(text);
    expect(result).toMatchObject(found);
    expect(result!.turns).toEqual(expected);
  };

  it('reads dash turns with answers of several paragraphs', () => {
    expectTurns('Intro.\n\n— First?\n\n— One.\n\nTwo.\n\n— Second, then?\n\n— Three.', { shape: 'dash', start: 1 }, [
      { question: 'First?', answer: 'One.\n\nTwo.' },
      { question: 'Second, then?', answer: 'Three.' },
    ]);
  });

  it('reads Q:/A:, Question:/Answer:, Вопрос:/Ответ: and Sual:/Cavab: labels', () => {
    for (const [q, a] of [
      ['Q:', 'A:'],
      ['Question:', 'Answer:'],
      ['Вопрос:', 'Ответ:'],
      ['Sual:', 'Cavab:'],
    ]) {
      expectTurns(`${q} One?\n\n${a} Yes.\n\n${q} Two?\n\n${a} No.`, { shape: 'label' }, [
        { question: 'One?', answer: 'Yes.' },
        { question: 'Two?', answer: 'No.' },
      ]);
    }
  });

  it('reads speaker prefixes: the prefix that asks is the interviewer', () => {
    const result = turns('News.Az: Why?\n\nSmith: Because.\n\nNews.Az: Really?\n\nSmith: Yes.\n\nIt is.');
    expect(result).toMatchObject({ shape: 'speaker', questioner: 'News.Az', answerer: 'Smith' });
    expect(result!.turns[1]).toEqual({ question: 'Really?', answer: 'Yes.\n\nIt is.' });
  });

  it('reads bold questions, a bold standfirst staying intro', () => {
    expectTurns('**A bold standfirst.**\n\n**Why now?**\n\nBecause.\n\n**And then?**\n\nWe will see.', { shape: 'emphasis', start: 1 }, [
      { question: 'Why now?', answer: 'Because.' },
      { question: 'And then?', answer: 'We will see.' },
    ]);
  });

  it('finds nothing in prose with a quoted line or a rhetorical question, nor in dashed direct speech', () => {
    expect(turns('Is it over? Not quite.\n\n“We will win,” he said.\n\nWhy? Nobody knows.')).toBeNull();
    expect(turns('— Мы не отступим, — сказал он.\n\nПо его словам, всё решено.\n\n— Это важно, — добавил он.')).toBeNull();
  });
});

describe('interview detection', () => {
  const evidence = (title: string, intro: string, body: string) => {
    const extraction = extractTurns(toBlocks(body));
    return gatherEvidence(title, intro, extraction, findInterviewee({ title, intro, answerer: extraction?.answerer }));
  };

  it('accepts a titled interview with first-person answers', () => {
    expect(isInterview(evidence('X: Y – INTERVIEW', '', '— Your view?\n\n— I think so.\n\n— And?\n\n— We agree.'))).toBe(true);
  });

  it('accepts ИНТЕРВЬЮ, MÜSAHİBƏ and RÖPORTAJ as title markers', () => {
    for (const marker of ['ИНТЕРВЬЮ', 'MÜSAHİBƏ', 'RÖPORTAJ', 'Q&A', 'exclusive interview']) {
      expect(evidence(`A: b – ${marker}`, '', '').titleMarker).toBe(true);
    }
  });

  it('rejects a one-turn exchange and an impersonal explainer', () => {
    expect(isInterview(evidence('X – INTERVIEW', '', '— Why?\n\n— I do not know.'))).toBe(false);
    expect(isInterview(evidence('Q&A: new rules', 'Here are the main points.', 'Q: What changed?\n\nA: The limit.\n\nQ: When?\n\nA: In May.'))).toBe(false);
  });
});

describe('interviewee and interviewer', () => {
  it('reads the name from the title and the role from the intro', () => {
    const intro = 'In this exclusive interview with News.Az, Russian international affairs expert Grigory Trofimchuk offers his analysis.';
    expect(findInterviewee({ title: 'Grigory Trofimchuk: Headline – INTERVIEW', intro })).toEqual({
      name: 'Grigory Trofimchuk',
      role: 'Russian international affairs expert',
    });
    expect(findInterviewer({ intro, sourceName: 'Other', interviewee: 'Grigory Trofimchuk' })).toBe('News.Az');
  });

  it.each([
    ['Politoloq Elçin Əliyev Report.az-a verdiyi müsahibədə bildirib.', 'Report.az'],
    ["Ekonomist Mehmet Yılmaz, News.Az'a verdiği röportajda enflasyonu değerlendirdi.", 'News.Az'],
    ['Ekonomist Mehmet Yılmaz, News.Az\u2019a özel açıklamada bulundu.', 'News.Az'],
  ])('reads the outlet with a case ending after a hyphen or an apostrophe: %s', (intro, outlet) => {
    expect(findInterviewer({ intro, sourceName: 'Other' })).toBe(outlet);
  });

  it('reads appositives, "is the" phrases, Russian word order and speaker surnames', () => {
    expect(findInterviewee({ title: 'T', intro: 'Report spoke to its artistic director, Lala Guliyeva, about films.' })).toEqual({
      name: 'Lala Guliyeva',
      role: 'artistic director',
    });
    expect(findInterviewee({ title: 'T', intro: 'Marina Kessler is the director of the Network, which tracks water.' })).toEqual({
      name: 'Marina Kessler',
      role: 'director of the Network',
    });
    expect(findInterviewee({ title: 'T', intro: 'Глава Ассоциации туроператоров Азербайджана Фуад Назаров ответил на вопросы.', answerer: 'Назаров' })).toEqual(
      { name: 'Фуад Назаров', role: 'Глава Ассоциации туроператоров Азербайджана' },
    );
    expect(findInterviewee({ title: 'Режиссер Эльчин Мусаоглу: «Кино» – интервью', intro: '' })).toEqual({ name: 'Эльчин Мусаоглу', role: 'Режиссер' });
  });

  it.each([
    ['News.Az interviewed Ambassador of Azerbaijan to the Netherlands Rahman Mustafayev.', 'Rahman Mustafayev', 'Ambassador of Azerbaijan to the Netherlands'],
    ["In an interview with News.Az, Azerbaijan's ambassador to France Leyla Abdullayeva spoke.", 'Leyla Abdullayeva', "Azerbaijan's ambassador to France"],
    [
      'Special Representative of the EU for the South Caucasus Magdalena Grono answered.',
      'Magdalena Grono',
      'Special Representative of the EU for the South Caucasus',
    ],
    ['Minister of Foreign Affairs of Georgia Ilia Darchiashvili told News.Az about the talks.', 'Ilia Darchiashvili', 'Minister of Foreign Affairs of Georgia'],
    ['Ambassador of Italy to Azerbaijan Luca Di Gianfrancesco answered questions from Trend.', 'Luca Di Gianfrancesco', 'Ambassador of Italy to Azerbaijan'],
    ['Беседа с послом Азербайджана в России Полад Бюльбюльоглы.', 'Полад Бюльбюльоглы', 'посол Азербайджана в России'],
    // Russian: a genitive complement right after the role noun, no link word; a patronymic makes three name words.
    ['На вопросы ответил посол России Михаил Петров.', 'Михаил Петров', 'посол России'],
    ['На вопросы ответил директор Института Кавказа Александр Искандарян.', 'Александр Искандарян', 'директор Института Кавказа'],
    ['На вопросы ответил политолог Андрей Викторович Петров.', 'Андрей Викторович Петров', 'политолог'],
    // A conjunction enclosed by role material belongs to the role.
    ['Minister of Culture and Tourism Adil Karimli answered questions.', 'Adil Karimli', 'Minister of Culture and Tourism'],
    ['Ambassador of Azerbaijan to Belgium and Luxembourg Vaqif Sadiqov spoke.', 'Vaqif Sadiqov', 'Ambassador of Azerbaijan to Belgium and Luxembourg'],
    ['Chairman and CEO of Azercell Ali Aliyev spoke.', 'Ali Aliyev', 'Chairman and CEO of Azercell'],
    [
      'Azərbaycanın Fransadakı fövqəladə və səlahiyyətli səfiri Leyla Abdullayeva News.Az-a müsahibə verib.',
      'Leyla Abdullayeva',
      'Azərbaycanın Fransadakı fövqəladə və səlahiyyətli səfiri',
    ],
    ['На вопросы ответил министр культуры и туризма Адиль Керимли.', 'Адиль Керимли', 'министр культуры и туризма'],
    ['Директор Института истории и этнографии Ильгар Гасанов ответил.', 'Ильгар Гасанов', 'Директор Института истории и этнографии'],
  ])('reads the whole role phrase before the name and keeps its complement out of the name: %s', (intro, name, role) => {
    expect(findInterviewee({ title: 'T', intro })).toEqual({ name, role });
  });

  it("takes a conjunction into a title's role, but keeps one between unlike words or after a name out", () => {
    expect(findInterviewee({ title: 'Minister of Culture and Tourism Adil Karimli: Heritage first – INTERVIEW', intro: '' })).toEqual({
      name: 'Adil Karimli',
      role: 'Minister of Culture and Tourism',
    });
    expect(findInterviewee({ title: 'T', intro: 'Rahim and expert Ali Aliyev spoke.' })).toEqual({ name: 'Ali Aliyev', role: 'expert' });
    expect(findInterviewee({ title: 'T', intro: 'The minister noted and analyst Ali Aliyev agreed.' })).toEqual({ name: 'Ali Aliyev', role: 'analyst' });
    const intro = 'We met President Vladimir Putin and Prime Minister Ali Asadov in Baku.';
    expect(findInterviewee({ title: 'T', intro, answerer: 'Asadov' })).toEqual({ name: 'Ali Asadov', role: 'Prime Minister' });
  });

  it('does not carry a role across a link word that follows a verb', () => {
    expect(findInterviewee({ title: 'T', intro: 'The correspondent spoke to Vilayat Guliyev about trade.' })).toBeNull();
  });

  it('does not read a role across a paragraph break', () => {
    expect(findInterviewee({ title: 'T', intro: 'Politics and diplomacy\n\nAmbassador Rauf Mammadzada answered questions.' })).toEqual({
      name: 'Rauf Mammadzada',
      role: 'Ambassador',
    });
  });

  it('reads a role phrase before the name in a Name: title and drops it from the headline', () => {
    const title = "Azerbaijan's Ambassador to Hungary Vilayat Guliyev: Our ties are growing – INTERVIEW";
    expect(findInterviewee({ title, intro: '' })).toEqual({ name: 'Vilayat Guliyev', role: "Azerbaijan's Ambassador to Hungary" });
    expect(interviewHeadline(title, 'Vilayat Guliyev')).toBe('Our ties are growing');
    // A headline that merely contains a role and a name before its colon is not a name prefix.
    expect(findInterviewee({ title: 'Why the ambassador Vilayat Guliyev stayed: a story', intro: '' })).toBeNull();
  });

  it('restores inflected Russian names from "интервью с" titles and intros', () => {
    expect(findInterviewee({ title: 'Интервью с Григорием Трофимчуком', intro: '' })).toEqual({ name: 'Григорий Трофимчук' });
    expect(findInterviewee({ title: 'T', intro: 'News.Az побеседовал с политологом Сергеем Марковым о выборах.' })).toEqual({
      name: 'Сергей Марков',
      role: 'политолог',
    });
    expect(findInterviewee({ title: 'T', intro: 'Эти вопросы мы задали политологу Анне Ивановой.' })).toEqual({ name: 'Анна Иванова', role: 'политолог' });
    // An adjective before the role noun has no certain nominative ending: the role stays as written.
    expect(findInterviewee({ title: 'T', intro: 'Известному политологу Анне Ивановой задали вопросы.' })).toEqual({
      name: 'Анна Иванова',
      role: 'Известному политологу',
    });
    // A speaker prefix with the surname alone is completed from a role-less mention of the full name.
    expect(findInterviewee({ title: 'T', intro: 'Сергею Маркову задали вопрос о выборах.', answerer: 'Марков' })).toEqual({ name: 'Сергей Марков' });
  });

  it('builds the headline without the name and the marker', () => {
    expect(interviewHeadline('Grigory Trofimchuk: Russia has no choice – INTERVIEW', 'Grigory Trofimchuk')).toBe('Russia has no choice');
    expect(interviewHeadline('INTERVIEW: What next for the corridor', null)).toBe('What next for the corridor');
  });
});

describe('nominativeName', () => {
  const instrumental = [
    ['Григорием Трофимчуком', 'Григорий Трофимчук'],
    ['Фуадом Назаровым', 'Фуад Назаров'],
    ['Андреем Зеленским', 'Андрей Зеленский'],
    ['Игорем Коротченко', 'Игорь Коротченко'],
    ['Павлом Фельгенгауэром', 'Павел Фельгенгауэр'],
    ['Поладом Бюльбюльоглы', 'Полад Бюльбюльоглы'],
    ['Анной Ивановой', 'Анна Иванова'],
    ['Марией Захаровой', 'Мария Захарова'],
    ['Иваном Ивановичем Сидоровым', 'Иван Иванович Сидоров'],
  ] as const;
  const dative = [
    ['Сергею Маркову', 'Сергей Марков'],
    ['Григорию Трофимчуку', 'Григорий Трофимчук'],
    ['Анне Ивановой', 'Анна Иванова'],
  ] as const;

  it.each([...instrumental.map((c) => [...c, 'instrumental'] as const), ...dative.map((c) => [...c, 'dative'] as const)])(
    'restores %s as %s (%s; the instrumental only after с)',
    (written, nominative, writtenIn) => {
      expect(nominativeName(written, writtenIn === 'instrumental' ? 'с' : '')).toEqual({ name: nominative, writtenIn });
    },
  );

  it.each([
    ['Сергей Марков', true],
    ['Полад Бюльбюльоглы', true],
    ['Лев Толстой', true],
    ['Анна Иванова', true],
    ['Luca Di Gianfrancesco', true],
    // The instrumental is not trusted without "с".
    ['Григорием Трофимчуком', false],
    // The dative needs the surname to show it: Мусаоглу does not decline.
    ['Эльчину Мусаоглу', false],
    // Masculine prepositional: the feminine dative rule for the first name must not fire on it.
    ['Иване Петрове', false],
    // Genders disagree: no rule set fits both words.
    ['Сергеем Ивановой', true],
  ] as const)('leaves %s as written (after с: %s)', (name, afterWith) => {
    expect(nominativeName(name, afterWith ? 'с' : '')).toEqual({ name, writtenIn: null });
  });

  it('puts the role noun heading a role phrase back in the nominative, leaving adjectives and complements', () => {
    expect(nominativeRoleHead('послом Азербайджана в России', 'instrumental')).toBe('посол Азербайджана в России');
    expect(nominativeRoleHead('руководителем отдела', 'instrumental')).toBe('руководитель отдела');
    expect(nominativeRoleHead('главой ассоциации', 'instrumental')).toBe('глава ассоциации');
    expect(nominativeRoleHead('послу', 'dative')).toBe('посол');
    expect(nominativeRoleHead('экономисту', 'dative')).toBe('экономист');
    expect(nominativeRoleHead('известным политологом', 'instrumental')).toBe('известным политологом');
  });
});

describe('language', () => {
  it('normalizes declared tags', () => {
    expect(normalizeLanguageTag('en-US')).toBe('en');
    expect(normalizeLanguageTag('az_Latn_AZ')).toBe('az');
    expect(normalizeLanguageTag('x')).toBeNull();
  });

  it.each([
    ['The government said that it was ready to talk with the opposition in the coming weeks.', 'en'],
    ['Правительство заявило, что готово к переговорам с оппозицией в ближайшие недели.', 'ru'],
    ['Hökumət bildirib ki, yaxın həftələrdə müxalifətlə danışıqlara hazırdır və bu çox vacibdir.', 'az'],
    ['Hükümet, önümüzdeki haftalarda muhalefetle görüşmeye hazır olduğunu ve bu için çok çalıştığını açıkladı.', 'tr'],
    ['Short', null],
  ])('%s → %s', (text, language) => {
    expect(detectLanguage(text)).toBe(language);
  });
});

describe('rendering', () => {
  it('sanitizes: no script, style, iframe, handlers or javascript: URLs; absolute addresses', () => {
    const html = sanitizeContentHtml(
      '<p onclick="x()">Hi <a href="javascript:alert(1)">bad</a> <a href="/n/2">rel</a></p><script>x()</script><style>p{}</style><iframe src="https://e.com"></iframe><img src="/i.jpg" onerror="x()">',
      'https://news.az/n/1',
    );
    expect(html).toBe('<p>Hi <a>bad</a> <a href="https://news.az/n/2">rel</a></p><img src="https://news.az/i.jpg" />');
  });

  it('marks up interviews the same way whatever the source shape', () => {
    const bodies = [
      'Intro.\n\n— Why?\n\n— Because I can.\n\n— Really?\n\n— We do.',
      'Intro.\n\nQ: Why?\n\nA: Because I can.\n\nQ: Really?\n\nA: We do.',
      '<p>Intro.</p><p><strong>Why?</strong></p><p>Because I can.</p><p><strong>Really?</strong></p><p>We do.</p>',
    ];
    const outputs = bodies.map((html) => analyzeArticle({ title: 'Ann Lee: Why – INTERVIEW', html }).contentHtml);
    expect(new Set(outputs).size).toBe(1);
    expect(outputs[0]).toBe(
      '<p>Intro.</p>\n<p class="q"><strong>Why?</strong></p>\n<p class="a">Because I can.</p>\n<p class="q"><strong>Really?</strong></p>\n<p class="a">We do.</p>',
    );
  });
});
