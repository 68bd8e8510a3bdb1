import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { sketchText, type TextSketch } from './analyze.js';
import { SHINGLE_SIZE } from './fingerprint.js';
import { DEFAULT_LSH } from './minhash.js';
import { DEFAULT_THRESHOLDS, isNearDuplicate, shingleOverlap, type SimilarityThresholds } from './similarity.js';
import { SyndicateError } from '../core/errors.js';
import { safeUrl } from '../core/url-policy.js';
import { canonicalizeUrl } from '../content/canonical-url.js';
import { dedupKeys } from '../redis/keys.js';
import { luaScript, runScript } from '../redis/scripts.js';

/** One outlet's article, as the dedup stage sees it. */
export interface DedupCandidate {
  sourceId: string;
  guid: string | null;
  /** The article's own address; `''` when it has none (the URL policy dropped it, or the entry had no link). */
  url: string;
  /** Not hashed (republishers retitle); kept in the signature for callers and logs. */
  title: string;
  /** The cleaned body; its canonical form is what is fingerprinted and shingled. */
  contentText: string;
  /** Story id to use when the article is a new story. */
  proposedStoryId: string;
  /**
   * Id of the attempt (e.g. the dedup job's id). A retry with the same id gets the same decision back, so a worker
   * that dies between deciding and handing the story on does not lose a new story.
   */
  attemptId?: string;
  /** The body's sketch when the caller computed it already (the dedup stage does, off the main thread); else computed here. */
  sketch?: TextSketch;
}

/** What the index decided. `newSource` says whether the story's source list grew (item.source_added). */
export interface DedupResolution {
  outcome: 'new' | 'duplicate' | 'updated' | 'unchanged';
  storyId: string;
  matchedBy: 'guid' | 'url' | 'fingerprint' | 'near-duplicate' | null;
  newSource: boolean;
}

/** Options of a StoryIndex. */
export interface StoryIndexOptions {
  /** Start of every key, with a hash tag (e.g. '{syndicate}') so the scripts' keys share one Cluster slot. */
  prefix: string;
  /** How long an entry stays matchable after its last activity. */
  retentionSeconds: number;
  /**
   * Slices of the retention window for the band buckets (default 4). Buckets of a slice expire together, up to
   * one slice after the window; lookups read `generations + 1` slices, so more slices mean slower lookups.
   */
  generations?: number;
  /**
   * log2 of the bucket hashes per generation (default 0: one hash per generation, so an article's buckets are read
   * with one HMGET per generation and written with one HSET; more shards mean more commands per article).
   */
  shardBits?: number;
  thresholds?: SimilarityThresholds;
  /** Entries kept per band bucket (default 16). */
  maxBucketEntries?: number;
  /** Candidates confirmed per resolve at most (default 64), bounding the script's time. */
  maxCandidates?: number;
  /** Clock in milliseconds, for tests. */
  now?: () => number;
}

/** Short, fixed-length key part: 128 bits of sha256 in base64url. */
export function keyDigest(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64url').slice(0, 22);
}

/** Bodies with fewer canonical words are matched by guid/URL only (see resolve). */
const MIN_FINGERPRINT_WORDS = 8;

/**
 * The identity of an article URL for matching: the published canonical form (tracking parameters and fragment
 * removed, AMP mapped; `canonicalizeUrl`), then folded further so that spellings of one address meet: scheme,
 * `www.`, parameter order and a trailing slash do not count.
 */
export function canonicalUrl(url: string): string {
  const canonical = canonicalizeUrl(url);
  try {
    const u = new URL(canonical);
    u.hostname = u.hostname.replace(/^www\./, '');
    u.searchParams.sort();
    if (u.pathname.length > 1) u.pathname = u.pathname.replace(/(?<!\/)\/+$/, '');
    return `${u.protocol === 'http:' ? 'https:' : u.protocol}//${u.host}${u.pathname}${u.search}`;
  } catch {
    return canonical;
  }
}

/** Big-endian bytes of 32-bit values: compact for Redis and easy to read back in Lua. */
export function packU32(values: Uint32Array): Buffer {
  const buf = Buffer.allocUnsafe(values.length * 4);
  for (let i = 0; i < values.length; i++) buf.writeUInt32BE(values[i] ?? 0, i * 4);
  return buf;
}

/** Generation arithmetic of the band buckets. */
export function generationOf(nowMs: number, retentionSeconds: number, generations: number) {
  const span = Math.max(1, Math.ceil(retentionSeconds / generations));
  const gen = Math.floor(nowMs / 1000 / span);
  return { gen, lookback: generations + 1, expireAt: (gen + 1) * span + retentionSeconds };
}

const CLAIM = luaScript('dedup-claim');
const REMOVE = luaScript('dedup-remove');

/** Claims a decision may lose to concurrent writers before the resolve gives up (the job is retried). */
const MAX_CLAIMS = 50;
/** Candidate entries read per round trip, likeliest first: the first batch almost always settles it. */
const CANDIDATE_BATCH = 8;

/** Where one band's bucket lives: the hash (shard) of its generation and the field in it. */
interface BandSlot {
  shard: number;
  field: string;
}

/**
 * Band i with key k lives in shard ⌊k / 2^low⌋ under field i·2^low + k mod 2^low, low = 32 − shardBits (the same
 * arithmetic as `band_groups` in redis/lua/includes/story-index.lua).
 */
export function bandSlots(bands: Uint32Array, shardBits: number): BandSlot[] {
  const span = 2 ** (32 - shardBits);
  return Array.from(bands, (k, band) => ({ shard: Math.floor(k / span), field: String(band * span + (k % span)) }));
}

/** Big-endian 32-bit values back from their packed bytes (`packU32`). */
function unpackU32(bytes: Buffer): Uint32Array {
  const out = new Uint32Array(bytes.length >>> 2);
  for (let i = 0; i < out.length; i++) out[i] = bytes.readUInt32BE(i * 4);
  return out;
}

/**
 * Entry numbers of the band buckets (comma-separated lists, oldest generation first, bands in order), counted:
 * at most `max` distinct entries, in order of first appearance, then the ones sharing most bands first (more shared
 * bands means a higher Jaccard) — the order in which candidates are confirmed.
 */
export function rankCandidates(buckets: ReadonlyArray<string | null>, max: number): string[] {
  const hits = new Map<string, number>();
  for (const bucket of buckets) {
    if (!bucket) continue;
    for (const entry of bucket.split(',')) {
      const seen = hits.get(entry);
      if (seen !== undefined) hits.set(entry, seen + 1);
      else if (hits.size < max) hits.set(entry, 1);
    }
  }
  return [...hits.keys()].sort((a, b) => (hits.get(b) ?? 0) - (hits.get(a) ?? 0));
}

/** An entry record as the decision needs it (`P:dd:e:<n>`): story, source, fingerprint digest, bytes of band keys. */
interface EntryRecord {
  story: string | null;
  source: string | null;
  fingerprint: string | null;
  bandBytes: number | null;
}

/** What the decision rests on, checked again by the claim. */
interface Decision {
  kind: 'same' | 'copy' | 'new';
  storyId: string;
  basis: string;
  matchedBy: NonNullable<DedupResolution['matchedBy']> | '';
  /** SHA-1 of this generation's buckets as read, when the band buckets took part; else ''. */
  bucketsDigest: string;
}

/**
 * The story index in Redis: decides whether an incoming article is a new story, a copy of a known one, or an edit
 * or re-fetch of an entry already seen. The worker reads the index (the exact keys and every band bucket in one
 * round trip, the likeliest candidates in the next), compares the candidates itself (`shingleOverlap` /
 * `isNearDuplicate`), and records its decision with one script that first checks that nothing it rests on changed
 * meanwhile; when something did (a concurrent copy), it reads again.
 */
export class StoryIndex {
  private readonly keys: ReturnType<typeof dedupKeys>;
  private readonly generations: number;
  private readonly shardBits: number;
  private readonly thresholds: SimilarityThresholds;
  private readonly maxBucketEntries: number;
  private readonly maxCandidates: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly opts: StoryIndexOptions,
  ) {
    if (!(opts.retentionSeconds > 0)) throw new RangeError('retentionSeconds must be positive');
    this.keys = dedupKeys(opts.prefix);
    this.generations = opts.generations ?? 4;
    this.shardBits = opts.shardBits ?? 0;
    this.thresholds = opts.thresholds ?? DEFAULT_THRESHOLDS;
    this.maxBucketEntries = opts.maxBucketEntries ?? 16;
    this.maxCandidates = opts.maxCandidates ?? 64;
    this.now = opts.now ?? Date.now;
  }

  /**
   * Resolves one article against the index and records it: `unchanged`/`updated` for the same source's entry seen
   * again (by guid or canonical URL), `duplicate` for a copy of a known story (exact URL of another source, exact
   * fingerprint, or an LSH candidate confirmed by the exact shingle check), else `new` with `proposedStoryId`.
   */
  async resolve(candidate: DedupCandidate): Promise<DedupResolution> {
    const sketch = candidate.sketch ?? sketchText(candidate.contentText, DEFAULT_LSH);
    const gk = keyDigest(`${candidate.sourceId}\u0000${candidate.guid ?? ''}`);
    // An entry without a usable address of its own (none, or one the URL policy dropped) is matched by its guid,
    // content or its own story id, never by a shared empty or hostile URL: it stays its own story.
    const ownUrl = safeUrl(candidate.url);
    const uk = keyDigest(ownUrl ? canonicalUrl(ownUrl) : `no-url\u0000${candidate.sourceId}\u0000${candidate.proposedStoryId}`);
    // An empty or near-empty body (a video post, a teaser) says nothing about the story: it is neither indexed nor
    // matched by content, and its fingerprint is unique to the entry, so a re-fetch still compares equal.
    const tooShort = sketch.shingles.length < MIN_FINGERPRINT_WORDS - SHINGLE_SIZE + 1;
    const fk = keyDigest(tooShort ? `short\u0000${gk}\u0000${uk}\u0000${sketch.canonical}` : sketch.fingerprint);
    const shingleSet = tooShort ? new Uint32Array(0) : sketch.shingles;
    const bands = tooShort ? new Uint32Array(0) : sketch.bands;
    const slots = bandSlots(bands, this.shardBits);
    const keys = [this.keys.seq, this.keys.guid(gk), this.keys.url(uk), this.keys.fingerprint(fk), this.keys.attempt(candidate.attemptId)];
    const packedShingles = packU32(shingleSet);
    const packedBands = packU32(bands);
    for (let claim = 0; claim < MAX_CLAIMS; claim++) {
      const { gen, lookback, expireAt } = generationOf(this.now(), this.opts.retentionSeconds, this.generations);
      const read = await this.readIndex(keys, slots, gen, lookback);
      if (read.memo) return toResolution(JSON.parse(read.memo) as unknown[]);
      const decision = await this.decide(candidate, read, shingleSet);
      const reply = (await runScript(this.redis, CLAIM, keys, [
        this.opts.prefix,
        candidate.sourceId,
        decision.kind,
        decision.storyId,
        decision.basis,
        decision.matchedBy,
        read.exact[0] ?? '',
        read.exact[1] ?? '',
        read.exact[2] ?? '',
        decision.bucketsDigest,
        fk,
        packedShingles,
        packedBands,
        candidate.guid ? '1' : '0',
        this.opts.retentionSeconds,
        gen,
        expireAt,
        this.maxBucketEntries,
        gk,
        uk,
        this.shardBits,
      ])) as unknown[];
      if (reply[0] !== 'retry') return toResolution(reply);
    }
    throw new SyndicateError('SYN_ERR_INTERNAL', `dedup: the story index changed under ${MAX_CLAIMS} decisions in a row`);
  }

  /**
   * One round trip: the attempt's memo and the three exact keys (one MGET), and every generation's buckets of the
   * article's bands (one HMGET per generation and shard). Then, when an exact key names an entry, its record.
   */
  private async readIndex(keys: string[], slots: BandSlot[], gen: number, lookback: number) {
    const byShard = new Map<number, number[]>();
    slots.forEach((slot, position) => byShard.set(slot.shard, [...(byShard.get(slot.shard) ?? []), position]));
    const pipe = this.redis.pipeline().mget(keys[4]!, keys[1]!, keys[2]!, keys[3]!);
    const gens = Array.from({ length: lookback }, (_, i) => gen - lookback + 1 + i);
    for (const g of gens) for (const [shard, positions] of byShard) pipe.hmget(this.keys.bucket(g, shard), ...positions.map((p) => slots[p]!.field));
    const replies = await execPipeline(pipe);
    const [memo, ...exact] = replies[0] as (string | null)[];
    // buckets[generation][band]: the oldest generation first, as the candidates are counted
    const buckets: (string | null)[][] = gens.map(() => new Array<string | null>(slots.length).fill(null));
    let reply = 1;
    for (let g = 0; g < gens.length; g++)
      for (const positions of byShard.values()) {
        const values = replies[reply++] as (string | null)[];
        positions.forEach((p, j) => (buckets[g]![p] = values[j] ?? null));
      }
    const named = [...new Set(exact.filter((n): n is string => !!n))];
    const records = new Map(named.length ? (await this.readEntries(named)).map((record, i) => [named[i]!, record]) : []);
    return { memo: memo ?? null, exact: exact as [string | null, string | null, string | null], buckets, records };
  }

  /** Entry records, in one round trip. */
  private async readEntries(entries: string[]): Promise<EntryRecord[]> {
    const pipe = this.redis.pipeline();
    for (const n of entries) pipe.hmget(this.keys.entry(n), 's', 'src', 'f', 'nb');
    return (await execPipeline(pipe)).map((reply) => {
      const [story, source, fingerprint, nb] = reply as (string | null)[];
      return { story: story ?? null, source: source ?? null, fingerprint: fingerprint ?? null, bandBytes: nb ? Number(nb) : null };
    });
  }

  /** The decision on what the index held when read: the same entry, an exact copy, a confirmed near-duplicate, or new. */
  private async decide(candidate: DedupCandidate, read: Awaited<ReturnType<StoryIndex['readIndex']>>, mine: Uint32Array): Promise<Decision> {
    const [byGuid, byUrl, byFingerprint] = read.exact;
    const record = (n: string | null) => (n ? read.records.get(n) : undefined);
    // 1. The same entry again: same source and guid, or same canonical URL from the same source.
    if (candidate.guid && byGuid && record(byGuid)?.story)
      return { kind: 'same', storyId: record(byGuid)!.story!, basis: byGuid, matchedBy: 'guid', bucketsDigest: '' };
    const urlEntry = record(byUrl);
    if (byUrl && urlEntry?.source === candidate.sourceId && urlEntry.story)
      return { kind: 'same', storyId: urlEntry.story, basis: byUrl, matchedBy: 'url', bucketsDigest: '' };
    // 2. A copy of a known story: exact URL of another source, exact fingerprint, or a confirmed LSH candidate.
    if (byUrl && urlEntry?.story) return { kind: 'copy', storyId: urlEntry.story, basis: byUrl, matchedBy: 'url', bucketsDigest: '' };
    const fingerprintEntry = record(byFingerprint);
    if (byFingerprint && fingerprintEntry?.story)
      return { kind: 'copy', storyId: fingerprintEntry.story, basis: byFingerprint, matchedBy: 'fingerprint', bucketsDigest: '' };
    const current = read.buckets[read.buckets.length - 1] ?? [];
    const bucketsDigest = current.length
      ? createHash('sha1')
          .update(current.map((v) => v ?? '').join('|'))
          .digest('hex')
      : '';
    const ranked = mine.length ? rankCandidates(read.buckets.flat(), this.maxCandidates) : [];
    for (let from = 0; from < ranked.length; from += CANDIDATE_BATCH) {
      const batch = ranked.slice(from, from + CANDIDATE_BATCH);
      const pipe = this.redis.pipeline();
      for (const n of batch) pipe.hmget(this.keys.entry(n), 's', 'nb').getBuffer(this.keys.bandsAndShingles(n));
      const replies = await execPipeline(pipe);
      for (let i = 0; i < batch.length; i++) {
        const [story, nb] = replies[2 * i] as (string | null)[];
        const stored = replies[2 * i + 1] as Buffer | null;
        if (!story || !nb || !stored) continue;
        if (isNearDuplicate(shingleOverlap(mine, unpackU32(stored.subarray(Number(nb)))), this.thresholds))
          return { kind: 'copy', storyId: story, basis: batch[i]!, matchedBy: 'near-duplicate', bucketsDigest };
      }
    }
    return { kind: 'new', storyId: candidate.proposedStoryId, basis: '', matchedBy: '', bucketsDigest };
  }

  /** Source ids that carried the story, in order of arrival; empty when the story is unknown or expired. */
  async sourcesOf(storyId: string): Promise<string[]> {
    const fields = await this.redis.hgetall(this.keys.story(storyId));
    return Object.entries(fields)
      .filter(([k]) => k.startsWith('src:'))
      .sort((a, b) => Number(a[1]) - Number(b[1]))
      .map(([k]) => k.slice(4));
  }

  /**
   * Forgets the decision kept for an attempt (see `attemptId`), once the caller handed its outcome on: a retry
   * after that finds the entry known and hands nothing on twice, so the memo's 1-day TTL is only a backstop.
   */
  async forgetAttempt(attemptId: string): Promise<void> {
    await this.redis.del(this.keys.attempt(attemptId));
  }

  /** The story a source's entry (by its guid) was filed under, or null when the index does not know the entry (never seen, or expired). */
  async storyOfGuid(sourceId: string, guid: string): Promise<string | null> {
    const entry = await this.redis.get(this.keys.guid(keyDigest(`${sourceId}\u0000${guid}`)));
    return entry ? this.redis.hget(this.keys.entry(entry), 's') : null;
  }

  /** Forgets a story and every entry of it; returns how many entries were removed. */
  async remove(storyId: string): Promise<number> {
    return Number(await runScript(this.redis, REMOVE, [this.keys.story(storyId)], [this.opts.prefix, this.shardBits]));
  }
}

/** Replies of a pipeline, throwing the first error. */
async function execPipeline(pipe: ReturnType<Redis['pipeline']>): Promise<unknown[]> {
  const replies = (await pipe.exec()) ?? [];
  return replies.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}

/** The claim's (or the memo's) reply as a resolution. */
function toResolution(reply: unknown[]): DedupResolution {
  const [outcome, storyId, matchedBy, newSource] = reply as [string, string, string, number | string];
  return {
    outcome: outcome as DedupResolution['outcome'],
    storyId,
    matchedBy: matchedBy === '' ? null : (matchedBy as DedupResolution['matchedBy']),
    newSource: Number(newSource) === 1,
  };
}
