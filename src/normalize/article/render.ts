import sanitizeHtml from 'sanitize-html';
import type { QaTurn } from '../../core/item.js';
import { absoluteUrl } from '../../content/html.js';
import type { CleanBlock } from './boilerplate.js';
import { escapeHtml } from '../../content/text.js';

const ALLOWED_TAGS = [
  'p', 'br', 'h2', 'h3', 'h4', 'strong', 'b', 'em', 'i', 'u', 's', 'sub', 'sup', 'a', 'ul', 'ol', 'li', 'blockquote',
  'figure', 'img', 'code', 'pre', 'span', 'abbr', 'q', 'cite', 'small', 'mark', 'time',
];

/**
 * Sanitizes HTML for republishing: no script, style, iframe or event handler survives, only http(s) and
 * mailto links, and every link and picture address is made absolute against `baseUrl` (one that cannot
 * be made absolute is dropped).
 */
export function sanitizeBody(html: string, baseUrl?: string): string {
  const absolute = (attr: string) => (tagName: string, attribs: sanitizeHtml.Attributes): sanitizeHtml.Tag => {
    const value = attribs[attr] ?? '';
    const resolved = /^mailto:/i.test(value) ? value : absoluteUrl(value, baseUrl);
    const next = { ...attribs };
    if (resolved === '') delete next[attr];
    else next[attr] = resolved;
    return { tagName, attribs: next };
  };
  return sanitizeHtml(html, {
    allowedTags: ALLOWED_TAGS,
    allowedAttributes: { a: ['href', 'title'], img: ['src', 'alt', 'width', 'height'], p: ['class'], time: ['datetime'] },
    allowedClasses: { p: ['q', 'a'] },
    allowedSchemes: ['http', 'https', 'mailto'],
    allowProtocolRelative: false,
    transformTags: { a: absolute('href'), img: absolute('src') },
    exclusiveFilter: (frame) => frame.tag === 'img' && !frame.attribs['src'],
  }).trim();
}

function paragraphs(text: string, className?: string): string {
  const attr = className ? ` class="${className}"` : '';
  return text
    .split(/\n\n+/)
    .map((p) => `<p${attr}>${className === 'q' ? `<strong>${escapeHtml(p)}</strong>` : escapeHtml(p)}</p>`)
    .join('\n');
}

/**
 * Interview markup, the same for every source: the intro as plain `<p>`s, then per turn one
 * `<p class="q"><strong>question</strong></p>` per question paragraph followed by one
 * `<p class="a">answer paragraph</p>` per answer paragraph. The `<strong>` keeps questions visible in
 * readers that drop classes; no dash or `Q:`/`A:` marker is kept. Pictures are listed in `images` only.
 */
export function renderInterviewHtml(intro: readonly CleanBlock[], turns: readonly QaTurn[], baseUrl?: string): string {
  const introHtml = intro.map((b) => `<p>${b.html}</p>`).join('\n');
  const qa = turns.map((t) => `${paragraphs(t.question, 'q')}\n${paragraphs(t.answer, 'a')}`).join('\n');
  return sanitizeBody(`${introHtml}\n${qa}`, baseUrl);
}

/** Article markup: paragraphs and subheadings as cleaned, pictures in place without their captions. */
export function renderArticleHtml(blocks: readonly CleanBlock[], baseUrl?: string): string {
  const html = blocks
    .map((b) => {
      if (b.kind === 'image') return b.ref?.url ? `<figure><img src="${escapeHtml(b.ref.url)}" alt="${escapeHtml(b.ref.caption ?? '')}"></figure>` : '';
      return b.kind === 'heading' ? `<h2>${b.html}</h2>` : `<p>${b.html}</p>`;
    })
    .filter(Boolean)
    .join('\n');
  return sanitizeBody(html, baseUrl);
}
