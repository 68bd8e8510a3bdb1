/** Small feed documents for the fetch tests. */
export function rss(items: Array<{ title: string; guid?: string }>, options: { title?: string; encoding?: string; ttl?: number } = {}): string {
  const prolog = options.encoding ? `<?xml version="1.0" encoding="${options.encoding}"?>` : '<?xml version="1.0"?>';
  const entries = items
    .map(
      (item, i) =>
        `<item><title>${item.title}</title><link>https://example.com/${item.guid ?? i}</link><guid>${item.guid ?? `g-${i}`}</guid><pubDate>Tue, 10 Jun 2025 09:00:00 GMT</pubDate><description>Summary ${i}</description></item>`,
    )
    .join('');
  return `${prolog}<rss version="2.0"><channel><title>${options.title ?? 'Test feed'}</title><link>https://example.com/</link>${options.ttl ? `<ttl>${options.ttl}</ttl>` : ''}${entries}</channel></rss>`;
}

export const items = (n: number, prefix = 'Story') => Array.from({ length: n }, (_, i) => ({ title: `${prefix} ${i}`, guid: `${prefix}-${i}` }));
