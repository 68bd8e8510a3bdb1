/**
 * Query parameters that only track a click; removing them never changes the page served.
 * Prefixes end with `_` or are whole names matched case-insensitively.
 */
const TRACKING_PREFIXES = ['utm_', 'mc_', 'hsa_', 'pk_', 'mtm_', 'oly_', '_hs'];
const TRACKING_NAMES = new Set([
  'fbclid',
  'gclid',
  'gclsrc',
  'dclid',
  'gbraid',
  'wbraid',
  'msclkid',
  'yclid',
  'ysclid',
  'twclid',
  'ttclid',
  'li_fat_id',
  'igshid',
  'igsh',
  'mkt_tok',
  '_ga',
  '_gl',
  '_openstat',
  'vero_id',
  'vero_conv',
  'wickedid',
  'rb_clickid',
  's_cid',
  'ncid',
  'cmpid',
  'ref_src',
  'ref_url',
  'spm',
  'scid',
  'at_medium',
  'at_campaign',
  'at_custom1',
  'from_rss',
  'rss',
]);

function isTracking(name: string): boolean {
  const lower = name.toLowerCase();
  return TRACKING_NAMES.has(lower) || TRACKING_PREFIXES.some((prefix) => lower.startsWith(prefix));
}

/**
 * Maps an AMP address to its regular page: `amp.` host, an `/amp` path segment, an `.amp` or `.amp.html`
 * suffix, `?amp`, `?amp=1`, `?outputType=amp`. Only for when the page's rel=canonical is not known.
 */
function unAmp(url: URL): void {
  if (url.hostname.startsWith('amp.')) url.hostname = url.hostname.slice(4);
  const segments = url.pathname.split('/');
  const kept = segments.filter((segment, i) => !(segment.toLowerCase() === 'amp' && i > 0));
  const path = (kept.join('/') || '/').replace(/\.amp\.html$/i, '.html').replace(/\.amp$/i, '');
  url.pathname = path;
  for (const name of [...url.searchParams.keys()]) {
    const value = url.searchParams.get(name)?.toLowerCase() ?? '';
    if (name.toLowerCase() === 'amp' || (name.toLowerCase() === 'outputtype' && value === 'amp')) url.searchParams.delete(name);
  }
}

/**
 * The canonical form of an article address: tracking parameters (`utm_*`, `fbclid`, `gclid`, `mc_cid`,
 * `mc_eid`, `yclid`, `_ga`, …) removed, fragment dropped, host lowercased, default port dropped, and AMP
 * addresses mapped to the regular page. Returns the input trimmed when it is not an http(s) URL.
 */
export function canonicalizeUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    return url.trim();
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return url.trim();
  parsed.hash = '';
  for (const name of [...parsed.searchParams.keys()]) {
    if (isTracking(name)) parsed.searchParams.delete(name);
  }
  unAmp(parsed);
  // URL lowercases the host and drops default ports; an emptied query leaves a bare "?" to remove.
  return parsed.href.replace(/\?$/, '');
}
