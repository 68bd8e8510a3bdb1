/**
 * Parses an HTTP `Retry-After` header (delta seconds or an HTTP date, RFC 9110 §10.2.3) into a wait in milliseconds
 * from `now`; null when absent or unreadable, so the caller falls back to its own schedule. A date in the past means
 * "now" (0). A repeated header counts by its first value. Used for sources (fetch) and webhook endpoints (deliver).
 */
export function parseRetryAfter(value: string | string[] | undefined | null, now: number): number | null {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return null;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
