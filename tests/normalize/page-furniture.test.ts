import { afterAll, describe, expect, it } from 'vitest';
import { normalizeDocument } from '../../src/normalize/normalize-document.js';
import { Sandbox } from '../../src/sandbox/sandbox.js';

// The workers' path: the page read and normalized in a sandbox thread (a deadline with room for a busy machine).
const sandbox = new Sandbox({ deadlineMs: 10_000, maxHeapMb: 512, threads: 1 });
afterAll(() => sandbox.close());

/** Prose long enough for Readability to take the block for the article. */
const PROSE = [
  'The harbour authority confirmed on Tuesday that the new breakwater will be finished before the winter storms arrive, after two years of delays.',
  'Engineers said the concrete blocks, each weighing forty tonnes, had been placed along the whole length of the outer wall during the summer months.',
  'Fishermen who use the harbour welcomed the news, saying that the old wall had let waves into the inner basin during every strong northerly wind.',
  'The project was paid for jointly by the regional government and a European fund for coastal infrastructure, according to the published accounts.',
  'A public opening is planned for the spring, when the harbour master expects the first cruise ships of the season to moor inside the new wall.',
];

const page = (article: string, around = ''): string =>
  `<!doctype html><html lang="en"><head><title>Breakwater finished before winter</title>
  <meta property="og:title" content="Breakwater finished before winter"></head><body>${around}
  <div class="story"><h1>Breakwater finished before winter</h1>${article}</div></body></html>`;

const textOf = async (html: string): Promise<{ text: string; captions: string[] }> => {
  const [item] = await normalizeDocument(
    { body: Buffer.from(html), contentType: 'text/html; charset=utf-8', location: 'https://harbour.example/news/breakwater' },
    { fetchedAt: '2026-01-02T03:04:05.000Z', maxEntries: 10, limits: { maxFeedBytes: 10 * 1024 * 1024 }, sandbox },
  );
  return { text: item!.contentText, captions: item!.images.map((image) => `${image.caption ?? ''}|${image.credit ?? ''}`) };
};

const paragraphs = PROSE.map((p) => `<p>${p}</p>`);

describe('datelines go, dated sentences stay', () => {
  it.each([
    'Updated: 18 Nov 2019, 19:11',
    'segunda-feira, 22 de janeiro de 2018 às 0:13',
    'Posted on March 30, 2015 by Admin',
    'Published 11:26 pm EST, Tuesday, November 19, 2019',
    'November 18, 2019 | 4:10pm',
    'Nov. 20, 2019 6:02 AM EST',
    '20.11.2019 14:05',
  ])('%s', async (dateline) => {
    const { text } = await textOf(page([`<p>${dateline}</p>`, ...paragraphs, `<p>${dateline}</p>`].join('')));
    expect(text).not.toContain(dateline.slice(0, 12));
    expect(text).toContain(PROSE[0]);
  });

  it('keeps a sentence with a date, and a quoted post closed by its author and date', async () => {
    const dated = 'The wall was first proposed on March 3, 2015, and approved by the council two years later after a long debate.';
    const attribution = '— Harbour Watch (@harbourwatch) November 18, 2019';
    const { text } = await textOf(
      page([...paragraphs.slice(0, 2), `<p>${dated}</p>`, `<blockquote><p>Finally done!</p>${attribution}</blockquote>`, ...paragraphs.slice(2)].join('')),
    );
    expect(text).toContain(dated);
    expect(text).toContain('(@harbourwatch) November 18, 2019');
  });
});

describe('tag lines', () => {
  it('go with or without a colon, and "Filed under"', async () => {
    const { text } = await textOf(
      page([...paragraphs, '<p>Tags harbour, breakwater, winter storms, coastal fund</p>', '<p>Filed under: Ports | Weather</p>'].join('')),
    );
    expect(text).not.toMatch(/Tags harbour|Filed under/);
    expect(text).toContain(PROSE[4]);
  });
});

describe('captions marked by class are pictures’ captions, not text', () => {
  it('a WordPress caption, a caption beside its figure, a figure whose picture loads by script', async () => {
    const article = [
      paragraphs[0],
      '<div class="wp-caption"><img src="https://harbour.example/a.jpg" alt=""><p class="wp-caption-text">Blocks stacked on the quay</p></div>',
      paragraphs[1],
      '<div class="media"><figure><div class="lazy"></div></figure><figcaption>Cranes at work in July. REUTERS/Jane Doe</figcaption></div>',
      paragraphs[2],
      '<div class="photo"><img src="https://harbour.example/b.jpg" alt=""><span class="newsCaption">The inner basin at dawn <span class="caption">(Image: GETTY)</span></span></div>',
      ...paragraphs.slice(3),
    ].join('');
    const { text, captions } = await textOf(page(article));
    for (const caption of ['Blocks stacked', 'Cranes at work', 'The inner basin', 'GETTY']) expect(text).not.toContain(caption);
    expect(captions.join('\n')).toContain('Blocks stacked on the quay');
    expect(captions.join('\n')).toMatch(/The inner basin at dawn\|GETTY/);
    for (const p of PROSE) expect(text).toContain(p);
  });

  it('screen-reader labels go', async () => {
    const article = [
      paragraphs[0],
      '<figure><span class="off-screen">Image caption</span><figcaption>Storm waves</figcaption></figure>',
      ...paragraphs.slice(1),
    ].join('');
    const { text } = await textOf(page(article));
    expect(text).not.toContain('Image caption');
  });
});

describe('site widgets inside the article go before the pick; the article itself never does', () => {
  it('a newsletter box and a comment thread go; a wrapper whose class reads like a widget stays', async () => {
    const article = `<div class="entry-content entry-content-read-more">${paragraphs.join('')}
      <div class="newsletter-signup"><p>Get the latest updates right in your inbox. Subscribe to our newsletters.</p></div></div>
      <ol class="comment-list"><li class="comment"><div class="comment-content"><p>It is a good thing the harbour got a wall because the old one was a disaster for everyone.</p></div></li></ol>`;
    const { text } = await textOf(page(article));
    for (const p of PROSE) expect(text).toContain(p);
    expect(text).not.toContain('Subscribe to our newsletters');
    expect(text).not.toContain('disaster for everyone');
  });
});

describe('lists of other stories made of paragraphs', () => {
  it('a run of link-only lines and its heading go; a single link in prose stays', async () => {
    const related = ['Ferry timetable changes', 'Lighthouse repainted', 'New fish market opens'].map(
      (title, i) => `<p><a href="https://harbour.example/news/${i}">${title}</a></p>`,
    );
    const { text } = await textOf(
      page(
        [...paragraphs, '<p>More Harbour Stories</p>', ...related, '<p>See the <a href="https://harbour.example/plan">full plan</a> for details.</p>'].join(''),
      ),
    );
    expect(text).not.toMatch(/More Harbour Stories|Ferry timetable|Lighthouse repainted|fish market/);
    expect(text).toContain('See the full plan for details.');
  });

  it('a shouted link between paragraphs goes', async () => {
    const shout = '<p><a href="https://harbour.example/app"><strong>CLICK HERE TO GET THE HARBOUR APP</strong></a></p>';
    const { text } = await textOf(page([...paragraphs.slice(0, 2), shout, ...paragraphs.slice(2)].join('')));
    expect(text).not.toContain('HARBOUR APP');
    for (const p of PROSE) expect(text).toContain(p);
  });
});

describe('notices to the reader go; sentences on the same subjects stay', () => {
  it.each([
    'Get the latest updates right in your inbox. Subscribe to our newsletters.',
    'Sign up to our newsletter for exclusive updates and enhanced content',
    'Let our news meet your inbox. The news and stories that matter, delivered weekday mornings.',
    "This website uses cookies to improve your experience. We'll assume you're ok with this, but you can opt-out if you wish.",
    'Note: we are temporarily moderating all comments submitted to deal with a surge in spam.',
    'ATENÇÃO: Comentários com textos ininteligíveis não serão aprovados pelo moderador.',
    'This slideshow requires JavaScript.',
    'Follow the Harbour Desk on Instagram, Facebook, Twitter and YouTube.',
    'Reporting by Jane Roe; additional reporting by Sam Poe; Editing by John Doe',
    'Copyright © 2019 Harbour Press. All rights reserved.',
    '[button link="https://harbour.example/submit/" type="big"] Send us YOUR story[/button]',
    'Advert',
    'Continue Reading Below',
  ])('%s', async (notice) => {
    const { text } = await textOf(page([paragraphs[0], `<p>${notice}</p>`, ...paragraphs.slice(1), `<p>${notice}</p>`].join('')));
    expect(text).not.toContain(notice.slice(0, 20));
    for (const prose of PROSE) expect(text).toContain(prose);
  });

  it('keeps story sentences that name a newsletter, comments or Twitter without a notice’s action, and long paragraphs', async () => {
    const story = [
      'The harbour newsletter, printed since 1952, carried the first report of the storm damage to the outer wall.',
      'The harbour master declined to comment on the cost of the repairs.',
      'Fishermen posted pictures of the waves on Twitter within minutes of the first breach.',
      `Residents who subscribe to the harbour newsletter were told of the works in May. ${PROSE[1]} ${PROSE[2]}`,
    ];
    const { text } = await textOf(page([...paragraphs, ...story.map((p) => `<p>${p}</p>`)].join('')));
    for (const sentence of story) expect(text).toContain(sentence);
  });
});

describe('author boxes and reader-notice widgets marked by class go before the pick', () => {
  it('an author bio box and a cookie banner go; the story stays', async () => {
    const bio = 'Regan Doe is a harbour reporter living in Portsmouth with her husband, two sons and two cats, and writes about boats.';
    const banner = 'We value your privacy and ask before we store anything on your device, as the rules of the region require.';
    const html = page(
      [
        ...paragraphs,
        `<div class="post-author"><div class="author-content"><p>${bio}</p></div></div>`,
        `<div class="cookie-notice"><p>${banner}</p></div>`,
      ].join(''),
    );
    const { text } = await textOf(html);
    expect(text).not.toContain(bio.slice(0, 30));
    expect(text).not.toContain(banner.slice(0, 30));
    for (const prose of PROSE) expect(text).toContain(prose);
  });
});

describe('bare links', () => {
  it("a line linking the page's own site goes (a permalink); a reference to another site within the story stays", async () => {
    const own = 'https://harbour.example/news/breakwater-finished-14848175.php';
    const reference = 'http://amzn.example/2iJFhRj';
    const { text } = await textOf(page([paragraphs[0], `<p>${own}</p>`, paragraphs[1], `<p>${reference}</p>`, ...paragraphs.slice(2)].join('')));
    expect(text).not.toContain(own);
    expect(text).toContain(reference);
  });
});
