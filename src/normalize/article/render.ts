import { sanitizeContentHtml } from '../../core/content-policy.js';
import type { TurnText } from '../../core/turn-ids.js';
import type { CleanBlock } from './boilerplate.js';
import { escapeHtml, escapeHtmlText } from '../../content/text.js';

function paragraphs(text: string, className?: string): string {
  const attr = className ? ` class="${className}"` : '';
  return text
    .split(/\n\n+/)
    .map((p) => `<p${attr}>${className === 'q' ? `<strong>${escapeHtmlText(p)}</strong>` : escapeHtmlText(p)}</p>`)
    .join('\n');
}

/**
 * Interview markup, the same for every source: the intro as plain `<p>`s, then per turn one
 * `<p class="q"><strong>question</strong></p>` per question paragraph followed by one
 * `<p class="a">answer paragraph</p>` per answer paragraph. The `<strong>` keeps questions visible in
 * readers that drop classes; no dash or `Q:`/`A:` marker is kept. Pictures are listed in `images` only.
 * Written as the sanitizer writes (text escaped by `escapeHtmlText`, `<br />`), so that the sanitizer proves the
 * body clean in one scan instead of parsing and rewriting it; what it cannot prove it still rewrites.
 */
export function renderInterviewHtml(intro: readonly CleanBlock[], turns: readonly TurnText[], baseUrl?: string): string {
  const introHtml = intro.map((b) => `<p>${b.html}</p>`).join('\n');
  const qa = turns.map((t) => `${paragraphs(t.question, 'q')}\n${paragraphs(t.answer, 'a')}`).join('\n');
  return sanitizeContentHtml(`${introHtml}\n${qa}`, baseUrl);
}

/** Article markup: paragraphs and subheadings as cleaned, pictures in place without their captions. */
export function renderArticleHtml(blocks: readonly CleanBlock[], baseUrl?: string): string {
  const html = blocks
    .map((b) => {
      if (b.kind === 'image') return b.ref?.url ? `<figure><img src="${escapeHtml(b.ref.url)}" alt="${escapeHtml(b.ref.caption ?? '')}" /></figure>` : '';
      return b.kind === 'heading' ? `<h2>${b.html}</h2>` : `<p>${b.html}</p>`;
    })
    .filter(Boolean)
    .join('\n');
  return sanitizeContentHtml(html, baseUrl);
}
