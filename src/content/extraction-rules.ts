import type { CleanupRules } from '../config/schema.js';

/**
 * A source's extraction rules as they apply to one article: the config's shared rules for the article's domain
 * (`extractionRules`, every domain from the most general to the most specific: `example.com`, then
 * `news.example.com`) and the source's own (`sources[].cleanup`) last. Removal lists add up; the keep selector and
 * the article URL rewrite are the most specific one given (the source's own first). Pure.
 */
export function rulesFor(
  articleUrl: string | null | undefined,
  own: CleanupRules | undefined,
  byDomain: Readonly<Record<string, CleanupRules>> = {},
): CleanupRules {
  const host = hostOf(articleUrl);
  const shared = host
    ? Object.keys(byDomain)
        .filter((domain) => host === domain.toLowerCase() || host.endsWith(`.${domain.toLowerCase()}`))
        .sort((a, b) => a.length - b.length)
        .map((domain) => byDomain[domain]!)
    : [];
  const layers = own ? [...shared, own] : shared;
  const rules: CleanupRules = {};
  for (const layer of layers) {
    if (layer.keepSelector) rules.keepSelector = layer.keepSelector;
    if (layer.articleUrl) rules.articleUrl = layer.articleUrl;
    if (layer.removeSelectors?.length) rules.removeSelectors = [...(rules.removeSelectors ?? []), ...layer.removeSelectors];
    if (layer.removePatterns?.length) rules.removePatterns = [...(rules.removePatterns ?? []), ...layer.removePatterns];
  }
  return rules;
}

function hostOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    return new URL(url).hostname.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * The address an article page is fetched from: the rule's `pattern` (checked linear when the config loaded)
 * replaced by its `replacement` (`$1`… for its groups), when the result is still an http(s) URL; else the article's
 * own address. Pure.
 */
export function rewriteArticleUrl(url: string, rules: Pick<CleanupRules, 'articleUrl'> | undefined): string {
  const rule = rules?.articleUrl;
  if (!rule) return url;
  const rewritten = url.replace(new RegExp(rule.pattern, 'u'), rule.replacement);
  try {
    return /^https?:$/.test(new URL(rewritten).protocol) ? rewritten : url;
  } catch {
    return url;
  }
}
