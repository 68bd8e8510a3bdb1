/**
 * The operator's status page (`/admin`) as server-rendered HTML: pure, from a view model to a string, no script
 * and no front-end build. Every text is escaped; the page refreshes itself every 30 seconds.
 */
import { MEMORY_WARNING_RATIO } from '../../redis/server-memory.js';

/** One source as the page shows it. */
export interface SourceRow {
  id: string;
  name: string;
  url: string;
  health: 'ok' | 'failing' | 'gone' | 'disabled' | 'pending';
  lastFetchAt: string | null;
  lastSuccessAt: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  consecutiveErrors: number;
  nextFetchAt: string | null;
  /** Stories among the recent ones that this source carried. */
  stories: number;
  entriesSeen: number | null;
}

/** One recent story with its outlets: several outlets mean the dedup stage recognised copies. */
export interface StoryRow {
  id: string;
  title: string;
  kind: string;
  publishedAt: string;
  url: string;
  outlets: Array<{ id: string; name: string; itemUrl: string }>;
}

/** One subscription with its delivery health. */
export interface SubscriptionRow {
  id: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  /** The last attempts from the delivery log (newest first), summarised. */
  lastAttemptAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  recentAttempts: number;
  recentFailures: number;
  deadLetters: number;
}

export interface StatusView {
  generatedAt: string;
  sources: SourceRow[];
  stories: StoryRow[];
  /** How many recent stories the per-source counts and the list look at. */
  storyWindow: number;
  subscriptions: SubscriptionRow[];
  queues: Array<{ name: string; waiting: number; active: number; delayed: number; failed: number }>;
  /** Redis's memory (null when it could not be read). */
  redisMemory: { usedBytes: number; maxBytes: number; refusedWrites: number } | null;
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const e = (value: string | number | null | undefined) => escapeHtml(value === null || value === undefined ? '' : String(value));

/** "3 min ago" / "in 2 h" relative to `now`, for a person scanning the page (the exact time is in the title). */
export function relativeTime(iso: string | null, now: number): string {
  if (!iso) return '—';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return '—';
  const delta = at - now;
  const abs = Math.abs(delta);
  const text =
    abs < 60_000
      ? `${Math.round(abs / 1000)} s`
      : abs < 3_600_000
        ? `${Math.round(abs / 60_000)} min`
        : abs < 172_800_000
          ? `${Math.round(abs / 3_600_000)} h`
          : `${Math.round(abs / 86_400_000)} d`;
  return delta >= 0 ? `in ${text}` : `${text} ago`;
}

const time = (iso: string | null, now: number) => (iso ? `<time datetime="${e(iso)}" title="${e(iso)}">${e(relativeTime(iso, now))}</time>` : '—');

/** A link, only for http(s) URLs (anything else is shown as text). */
const link = (url: string, text: string) => (/^https?:\/\//i.test(url) ? `<a href="${e(url)}" rel="noopener noreferrer">${e(text)}</a>` : e(text));

function badge(kind: 'ok' | 'warn' | 'bad' | 'muted', text: string): string {
  return `<span class="badge ${kind}">${e(text)}</span>`;
}

const HEALTH_BADGE: Record<SourceRow['health'], 'ok' | 'warn' | 'bad' | 'muted'> = {
  ok: 'ok',
  pending: 'muted',
  disabled: 'muted',
  failing: 'bad',
  gone: 'bad',
};

function sourcesSection(view: StatusView, now: number): string {
  const failing = view.sources.filter((s) => s.health === 'failing' || s.health === 'gone').length;
  const rows = view.sources.map(
    (s) => `<tr data-source="${e(s.id)}">
  <td><strong>${e(s.name)}</strong><br><code>${e(s.id)}</code></td>
  <td>${badge(HEALTH_BADGE[s.health], s.health)}${s.consecutiveErrors > 1 ? ` <small>${e(s.consecutiveErrors)} errors in a row</small>` : ''}</td>
  <td>${time(s.lastFetchAt, now)}</td>
  <td>${s.errorCode ? `<code>${e(s.errorCode)}</code><br><small>${e(s.errorMessage)}</small>` : '—'}</td>
  <td>${time(s.nextFetchAt, now)}</td>
  <td class="num">${e(s.stories)}</td>
  <td class="url">${link(s.url, s.url)}</td>
</tr>`,
  );
  return `<section id="sources">
<h2>Sources <small>${e(view.sources.length)} · ${failing ? `<span class="bad-text">${e(failing)} failing</span>` : 'none failing'}</small></h2>
${
  view.sources.length === 0
    ? '<p class="empty">No sources yet: <code>syndicate sources add ID URL</code> or <code>syndicate import-opml FILE</code>.</p>'
    : `<table>
<thead><tr><th>Source</th><th>Health</th><th>Last fetch</th><th>Last error</th><th>Next poll</th><th class="num">Stories</th><th>Feed</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`
}
</section>`;
}

function storiesSection(view: StatusView, now: number): string {
  const rows = view.stories.map(
    (s) => `<tr data-story="${e(s.id)}">
  <td>${link(s.url, s.title)}<br><small>${e(s.kind)}</small></td>
  <td>${time(s.publishedAt, now)}</td>
  <td>${s.outlets.length > 1 ? badge('ok', `${s.outlets.length} outlets`) : badge('muted', '1 outlet')}</td>
  <td>${s.outlets.map((o) => link(o.itemUrl, o.name)).join(', ')}</td>
</tr>`,
  );
  return `<section id="stories">
<h2>Recent stories <small>newest ${e(view.storyWindow)}; a story carried by several outlets is one story</small></h2>
${
  view.stories.length === 0
    ? '<p class="empty">No stories yet.</p>'
    : `<table>
<thead><tr><th>Story</th><th>Published</th><th>Dedup</th><th>Outlets</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>`
}
</section>`;
}

function subscriptionsSection(view: StatusView, now: number): string {
  const rows = view.subscriptions.map((s) => {
    const health = !s.enabled
      ? badge('bad', `disabled${s.disabledReason ? `: ${s.disabledReason}` : ''}`)
      : s.recentAttempts === 0
        ? badge('muted', 'no deliveries yet')
        : s.recentFailures === 0
          ? badge('ok', 'delivering')
          : s.lastError
            ? badge('bad', 'failing')
            : badge('warn', 'recovered');
    return `<tr data-subscription="${e(s.id)}">
  <td><strong>${e(s.id)}</strong><br><small class="url">${e(s.url)}</small></td>
  <td>${health}</td>
  <td>${time(s.lastAttemptAt, now)}${s.lastStatus !== null ? ` <code>${e(s.lastStatus)}</code>` : ''}${s.lastError ? `<br><small>${e(s.lastError)}</small>` : ''}</td>
  <td class="num">${e(s.recentAttempts - s.recentFailures)} / ${e(s.recentAttempts)}</td>
  <td class="num">${s.deadLetters ? `<span class="bad-text">${e(s.deadLetters)}</span>` : '0'}</td>
</tr>`;
  });
  return `<section id="subscriptions">
<h2>Subscriptions <small>${e(view.subscriptions.length)}</small></h2>
${
  view.subscriptions.length === 0
    ? '<p class="empty">No webhook subscriptions.</p>'
    : `<table>
<thead><tr><th>Subscription</th><th>Delivery health</th><th>Last attempt</th><th class="num">Delivered (recent)</th><th class="num">Dead letters</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody></table>
<p><small>Replay dead letters: <code>syndicate replay --subscription ID --from ISO --to ISO</code></small></p>`
}
</section>`;
}

const mib = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/**
 * Redis memory against its ceiling: a warning from `warnRatio` (80 %), `SYN_ERR_REDIS_FULL` once Redis refuses
 * writes (used ≥ maxmemory under noeviction), with how many it refused since it started.
 */
export function memorySection(view: StatusView, warnRatio: number): string {
  const m = view.redisMemory;
  if (!m) return '';
  const ratio = m.maxBytes > 0 ? m.usedBytes / m.maxBytes : 0;
  const state =
    m.maxBytes === 0
      ? badge('warn', 'no maxmemory set: Redis grows until the machine runs out')
      : ratio >= 1
        ? `${badge('bad', 'full')} <code>SYN_ERR_REDIS_FULL</code> writes are refused: free memory (shorter <code>limits.retention</code>) or raise maxmemory`
        : ratio >= warnRatio
          ? `${badge('warn', `above ${Math.round(warnRatio * 100)} %`)} writes will be refused at 100 %: shorten <code>limits.retention</code> or raise maxmemory`
          : badge('ok', 'ok');
  return `<section id="redis-memory">
<h2>Redis memory <small>${e(mib(m.usedBytes))}${m.maxBytes ? ` of ${e(mib(m.maxBytes))} (${e(Math.round(ratio * 100))} %)` : ''}</small></h2>
<p>${state}${m.refusedWrites ? ` <small>${e(m.refusedWrites)} writes refused for memory since Redis started</small>` : ''}</p>
</section>`;
}

function queuesSection(view: StatusView): string {
  return `<section id="queues">
<h2>Queues <small><a href="/admin/queues">dashboard</a></small></h2>
<table><thead><tr><th>Queue</th><th class="num">Waiting</th><th class="num">Active</th><th class="num">Delayed</th><th class="num">Failed</th></tr></thead>
<tbody>
${view.queues.map((q) => `<tr><td>${e(q.name)}</td><td class="num">${e(q.waiting)}</td><td class="num">${e(q.active)}</td><td class="num">${e(q.delayed)}</td><td class="num">${q.failed ? `<span class="bad-text">${e(q.failed)}</span>` : '0'}</td></tr>`).join('\n')}
</tbody></table>
</section>`;
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1d2430;background:#f6f7f9}
header{background:#1d2430;color:#fff;padding:12px 24px;display:flex;justify-content:space-between;align-items:baseline}
header h1{font-size:18px;margin:0} header small{color:#b8c0cc}
main{padding:8px 24px 32px;max-width:1400px}
section{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:16px 0;padding:4px 16px 12px}
h2{font-size:16px;margin:12px 0} h2 small{font-weight:normal;color:#5b6573;margin-left:8px}
table{border-collapse:collapse;width:100%} th,td{text-align:left;padding:6px 8px;border-top:1px solid #eceff3;vertical-align:top}
th{font-weight:600;color:#5b6573;border-top:none} .num{text-align:right}
.url{word-break:break-all;max-width:360px} code{font-size:12px;background:#f0f2f5;padding:1px 4px;border-radius:3px}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600}
.ok{background:#dcf5e3;color:#17692f}.warn{background:#fff1cc;color:#7a5500}.bad{background:#fde0e0;color:#a11a1a}.muted{background:#eceff3;color:#5b6573}
.bad-text{color:#a11a1a;font-weight:600} .empty{color:#5b6573} a{color:#1a56b8}
`;

/** The whole page. */
export function renderStatusPage(view: StatusView): string {
  const now = Date.parse(view.generatedAt);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="refresh" content="30">
<title>syndicate status</title>
<style>${STYLE}</style>
</head>
<body>
<header><h1>syndicate status</h1><small>generated <time datetime="${e(view.generatedAt)}">${e(view.generatedAt)}</time> · refreshes every 30 s · <a href="/admin/queues" style="color:#b8c0cc">queues</a> · <a href="/metrics" style="color:#b8c0cc">metrics</a></small></header>
<main>
${memorySection(view, MEMORY_WARNING_RATIO)}
${sourcesSection(view, now)}
${storiesSection(view, now)}
${subscriptionsSection(view, now)}
${queuesSection(view)}
</main>
</body>
</html>
`;
}
