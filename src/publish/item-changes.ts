import { SyndicateError } from '../core/errors.js';
import type { ItemKind, NormalizedItem } from '../core/item.js';
import type { ItemStore } from './item-store.js';

/** Index entries one request reads at most: a narrow filter answers a short page with a cursor, never a long scan. */
export const CHANGES_SCAN_BUDGET = 2_000;
/** Index entries read per round trip while filtering. */
const BATCH = 200;

/** What an incremental read asks for (`GET /api/v1/items?updatedSince=&cursor=&limit=&source=&kind=&channel=`). */
export interface ChangesQuery {
  /** Epoch ms: stories changed at or after it (ignored when `cursor` is given). */
  updatedSince?: number;
  /** A `nextCursor` or `resumeCursor` of an earlier answer: stories changed after that position. */
  cursor?: string;
  limit: number;
  source?: string;
  kind?: ItemKind;
  channel?: string;
}

/** One page of an incremental read, oldest change first. */
export interface ChangesPage {
  items: NormalizedItem[];
  /** The next page's cursor; null when this page reached the newest change. */
  nextCursor: string | null;
  /** Where this page ended, null when it read nothing: passed back later as `cursor`, it gives what changed since. */
  resumeCursor: string | null;
}

const CURSOR_PREFIX = 'c1.';

/** The opaque cursor of a position in the index by change (a change stamp, see redis/lua/items-touch.lua). */
export function encodeCursor(stamp: number): string {
  return CURSOR_PREFIX + Buffer.from(String(stamp), 'utf8').toString('base64url');
}

/** The stamp a cursor names; a 400 `SYN_ERR_BAD_REQUEST` for anything this server did not hand out. */
export function decodeCursor(cursor: string): number {
  const stamp = cursor.startsWith(CURSOR_PREFIX) ? Number(Buffer.from(cursor.slice(CURSOR_PREFIX.length), 'base64url').toString('utf8')) : NaN;
  if (!Number.isSafeInteger(stamp) || stamp < 0) throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'query.cursor: not a cursor this API handed out');
  return stamp;
}

/**
 * Stories changed since a position, oldest change first, filtered by outlet, kind and channel. The position is a
 * change stamp: stamps strictly increase in commit order, so paging on while stories arrive neither skips nor
 * repeats one (a story changed again meanwhile shows again, at its new change). A filter that matches little
 * reads at most {@link CHANGES_SCAN_BUDGET} entries and answers a short (even empty) page with a cursor.
 */
export async function readChanges(items: ItemStore, query: ChangesQuery): Promise<ChangesPage> {
  let stamp = query.cursor !== undefined ? decodeCursor(query.cursor) : (query.updatedSince ?? 0);
  let inclusive = query.cursor === undefined;
  const filtered = query.source !== undefined || query.kind !== undefined || query.channel !== undefined;
  const found: NormalizedItem[] = [];
  let scanned = 0;
  let reachedEnd = false;
  let moved = false;
  while (found.length < query.limit && scanned < CHANGES_SCAN_BUDGET) {
    const size = Math.min(filtered ? BATCH : query.limit - found.length, CHANGES_SCAN_BUDGET - scanned);
    const rows = await items.changedAfter(stamp, inclusive, size);
    const [stories, filed] = await Promise.all([
      items.getMany(rows.map((row) => row.id)),
      query.channel === undefined
        ? null
        : items.inChannel(
            query.channel,
            rows.map((row) => row.id),
          ),
    ]);
    const byId = new Map(stories.map((story) => [story.id, story]));
    let read = 0;
    for (const [index, row] of rows.entries()) {
      if (found.length >= query.limit) break;
      read++;
      scanned++;
      stamp = row.stamp;
      inclusive = false;
      moved = true;
      const story = byId.get(row.id);
      if (!story || (filed && !filed[index])) continue;
      if (query.kind !== undefined && story.kind !== query.kind) continue;
      if (query.source !== undefined && !story.sources.some((s) => s.id === query.source)) continue;
      found.push(story);
    }
    if (rows.length < size) {
      // The index holds nothing past this batch; the page reached the end if it used the whole batch.
      reachedEnd = read === rows.length;
      break;
    }
  }
  const position = moved ? encodeCursor(stamp) : query.cursor !== undefined ? query.cursor : null;
  return { items: found, nextCursor: reachedEnd ? null : position, resumeCursor: position };
}
