/**
 * Realistic article pages for the full-text tests, written by hand after the layouts of real news sites: the
 * text that is the article (`paragraphs`) and the furniture around it (`furniture`), listed independently of
 * any extractor so both ours and Mozilla Readability are measured against the same truth.
 */
export interface ArticlePage {
  name: string;
  url: string;
  html: string;
  /** Paragraphs of the article, as a reader sees them. */
  paragraphs: string[];
  /** Texts on the page that are not the article. */
  furniture: string[];
}

const p = (texts: string[]) => texts.map((t) => `<p>${t}</p>`).join('\n');

const COMMENTS_PARAGRAPHS = [
  'The city council voted 7 to 2 on Tuesday night to convert the old tram depot on Harbour Street into 240 affordable flats, ending a dispute that has run for almost a decade.',
  'The depot, closed since 2011, had been earmarked for a conference centre until the developer withdrew in 2019, citing rising construction costs and falling demand for event space.',
  '“This is the largest single addition to the social housing stock in a generation,” said councillor Maria Lindqvist, who chairs the housing committee. “People have waited long enough.”',
  'Opponents argued that the site should be kept for light industry. Councillor Peter Holm said the decision ignored the 600 jobs the area supported before the depot closed.',
  'Construction is expected to start next spring and the first tenants could move in by late 2027, according to the municipal housing company, which will own and manage the building.',
  'The project will be financed through a combination of state loans and the sale of two smaller plots in the northern district, the council said in a statement after the vote.',
];

const commentsPage: ArticlePage = {
  name: 'local news with a comments section',
  url: 'https://www.harbourtimes.example/city/2025/06/11/tram-depot-flats',
  paragraphs: COMMENTS_PARAGRAPHS,
  furniture: [
    'Join the conversation',
    'This is a disgrace, the depot should be a museum',
    'Finally some good news for young families',
    'Subscribe to our newsletter',
    'Sign in to comment',
    'Advertisement',
    'Share on Facebook',
  ],
  html: `<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Old tram depot to become 240 affordable flats | The Harbour Times</title>
<meta property="og:title" content="Old tram depot to become 240 affordable flats">
<meta property="og:type" content="article">
<meta property="og:image" content="https://cdn.harbourtimes.example/img/depot-1200.jpg">
<meta name="author" content="Anna Berg">
<link rel="canonical" href="https://www.harbourtimes.example/city/tram-depot-flats">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"NewsArticle","headline":"Old tram depot to become 240 affordable flats","datePublished":"2025-06-11T06:15:00Z","dateModified":"2025-06-11T09:40:00Z","author":[{"@type":"Person","name":"Anna Berg"}]}</script>
</head><body class="article-page">
<div id="top-bar"><a href="/">The Harbour Times</a> <a href="/subscribe">Subscribe</a> <a href="/login">Log in</a></div>
<nav class="main-menu"><ul><li><a href="/city">City</a></li><li><a href="/sport">Sport</a></li><li><a href="/culture">Culture</a></li></ul></nav>
<div class="container">
<div class="content-wrapper">
<div class="story">
<h1 class="headline">Old tram depot to become 240 affordable flats</h1>
<div class="byline">By <a rel="author" href="/staff/anna-berg">Anna Berg</a> · <span class="date">11 June 2025</span></div>
<div class="social-share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a></div>
<figure class="lead"><img src="https://cdn.harbourtimes.example/img/depot-800.jpg" alt="The tram depot"><figcaption>The depot has stood empty since 2011.</figcaption></figure>
<div class="story-body">
${p(COMMENTS_PARAGRAPHS.slice(0, 3))}
<div class="ad-slot"><span>Advertisement</span><div class="ad"></div></div>
${p(COMMENTS_PARAGRAPHS.slice(3))}
</div>
<div class="newsletter-signup"><h3>Subscribe to our newsletter</h3><p>Get the day's most important city news in your inbox every morning at seven.</p><input type="email"></div>
</div>
<section id="comments" class="comments-area">
<h2>Join the conversation</h2>
<p><a href="/login">Sign in to comment</a></p>
<ol class="comment-list">
<li class="comment"><div class="comment-author">Lars K.</div><div class="comment-content"><p>This is a disgrace, the depot should be a museum. The city has lost too much of its industrial heritage already and nobody asked the residents.</p></div></li>
<li class="comment"><div class="comment-author">Sofia</div><div class="comment-content"><p>Finally some good news for young families. We have been on the waiting list for six years and rents in the centre are impossible.</p></div></li>
<li class="comment"><div class="comment-author">Erik</div><div class="comment-content"><p>Who is going to pay for the road works around the site? The article does not say and the council never tells us until it is too late.</p></div></li>
</ol>
</section>
</div>
</div>
<div id="footer"><p>© 2025 The Harbour Times. All rights reserved. Contact the newsroom at tips@harbourtimes.example.</p></div>
</body></html>`,
};

const RELATED_PARAGRAPHS = [
  'Germany’s industrial output fell for a third consecutive month in May, the Federal Statistical Office said on Monday, adding to signs that Europe’s largest economy is struggling to recover.',
  'Production in industry, energy and construction dropped 1.4% from April, far worse than the 0.2% decline economists polled by news agencies had expected.',
  'The energy-intensive chemicals sector was hit hardest, with output down 3.8%, while car production slipped 2.1% as manufacturers cut shifts amid weak demand for electric vehicles.',
  'Economists said the figures made a contraction in the second quarter more likely. “The hoped-for recovery is simply not happening,” said Claudia Weber, chief economist at a Frankfurt bank.',
  'The government is expected to present a package of measures to lower electricity prices for industry before the summer break, officials familiar with the plans said.',
];

const relatedPage: ArticlePage = {
  name: 'wire story with a related-articles block and tags',
  url: 'https://news.example.org/business/german-industrial-output-falls-again-2025-07-07/',
  paragraphs: RELATED_PARAGRAPHS,
  furniture: ['Related stories', 'ECB holds rates steady as inflation cools', 'Car makers warn of weaker second half', 'Most popular', 'Our Standards'],
  html: `<!DOCTYPE html><html lang="en-GB"><head>
<title>German industrial output falls for third month - News Example</title>
<meta property="og:title" content="German industrial output falls for third month">
<meta property="og:url" content="https://news.example.org/business/german-industrial-output-falls-again-2025-07-07/?utm_source=twitter">
<meta property="article:published_time" content="2025-07-07T07:02:00Z">
<meta property="og:image" content="/resizer/factory.jpg">
</head><body>
<header class="site-header"><a class="logo" href="/">News Example</a><nav><a href="/world">World</a><a href="/business">Business</a></nav></header>
<main id="main-content">
<div class="article-layout">
<div class="article-column">
<div class="article-header"><span class="kicker">Business</span><h1>German industrial output falls for third month</h1><p class="byline">By Jan Schulz and Mia Roth</p><time datetime="2025-07-07T07:02:00Z">July 7, 2025 7:02 AM UTC</time></div>
<div class="article-body" data-testid="ArticleBody">
${RELATED_PARAGRAPHS.map((t, i) => `<div data-testid="paragraph-${i}" class="text__paragraph">${t}</div>`).join('\n')}
<p class="sign-off">Reporting by Jan Schulz and Mia Roth; Editing by Tom Hale</p>
</div>
<div class="tags"><a href="/tags/germany">Germany</a> <a href="/tags/industry">Industry</a></div>
<div class="trust-badge"><a href="/standards">Our Standards</a>: The Trust Principles.</div>
<div class="related-coverage"><h2>Related stories</h2><ul>
<li><a href="/business/ecb">ECB holds rates steady as inflation cools</a></li>
<li><a href="/business/cars">Car makers warn of weaker second half</a></li>
<li><a href="/business/energy">Energy prices: what the new tariff means for you</a></li>
</ul></div>
</div>
<div class="sidebar"><h2>Most popular</h2><ol><li><a href="/a">Heatwave grips southern Europe</a></li><li><a href="/b">Markets rally on trade hopes</a></li></ol></div>
</div>
</main>
<footer><p>All quotes delayed a minimum of 15 minutes.</p></footer>
</body></html>`,
};

const COOKIE_PARAGRAPHS = [
  'Scientists have recorded the largest colony of emperor penguins ever found on the Antarctic sea ice, using satellite images that show the birds’ droppings as brown stains on the white surface.',
  'The colony, near Cape Colbeck, holds an estimated 26,000 breeding pairs, according to the study published on Wednesday in the journal Antarctic Science.',
  'Emperor penguins depend on stable sea ice to breed, and researchers warn that many colonies could vanish by the end of the century if warming continues at its current pace.',
  'Why does the discovery matter?',
  'Counting the colonies from space lets scientists follow populations that are too remote to visit every year, said lead author Peter Fretwell. “Each new colony helps us understand how the species responds to change.”',
  'The team plans to repeat the survey every season to see whether the colony moves as the ice edge shifts.',
];

const cookiePage: ArticlePage = {
  name: 'science story behind a cookie banner, with a subheading and a newsletter box',
  url: 'https://www.sciencedaily.example/2025/08/emperor-penguin-colony',
  paragraphs: COOKIE_PARAGRAPHS,
  furniture: [
    'We value your privacy',
    'Accept all cookies',
    'Manage preferences',
    'Get our weekly science newsletter',
    'You might also like',
    'Penguins learn to slide faster',
    'Skip to content',
  ],
  html: `<!doctype html><html lang="en"><head>
<title>Largest emperor penguin colony spotted from space</title>
<meta property="og:site_name" content="Science Daily Example">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"Science Daily Example"},{"@type":"Article","headline":"Largest emperor penguin colony spotted from space","datePublished":"2025-08-20","author":{"@type":"Person","name":"Ruth Okafor"},"image":{"@type":"ImageObject","url":"https://www.sciencedaily.example/img/penguins.jpg"}}]}</script>
</head><body>
<a class="skip-link" href="#content">Skip to content</a>
<div id="cookie-consent" class="cookie-banner" role="dialog"><h2>We value your privacy</h2><p>We and our 843 partners use cookies and similar technologies to store and access information on your device for personalised advertising and content, audience measurement and product development.</p><a href="#">Accept all cookies</a> <a href="#">Manage preferences</a></div>
<div id="page">
<div id="content" class="site-content">
<div class="entry">
<h1 class="entry-title">Largest emperor penguin colony spotted from space</h1>
<div class="entry-meta">Ruth Okafor · 20 August 2025</div>
<div class="entry-content">
<p><img src="/img/penguins.jpg" alt="Emperor penguins"></p>
${p(COOKIE_PARAGRAPHS.slice(0, 3))}
<h2>${COOKIE_PARAGRAPHS[3]}</h2>
<div class="promo-box newsletter"><strong>Get our weekly science newsletter</strong><p>The best of science news, every Friday. Free, no spam, unsubscribe at any time you like.</p></div>
${p(COOKIE_PARAGRAPHS.slice(4))}
</div>
<div class="yarpp-related"><h3>You might also like</h3><ul><li><a href="/x">Penguins learn to slide faster</a></li><li><a href="/y">Sea ice hits record low again</a></li></ul></div>
</div>
</div>
</div>
</body></html>`,
};

/** The three hand-written pages; the seed page (tests/support/seed.ts) is the fourth. */
export const ARTICLE_PAGES: ArticlePage[] = [commentsPage, relatedPage, cookiePage];
