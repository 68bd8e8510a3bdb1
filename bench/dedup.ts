/**
 * Dedup benchmark: per-item resolve cost with 10 000 and with 1 000 000 stories indexed, and Redis memory per
 * stored story. The index is filled by a Lua bulk loader that writes the StoryIndex key layout directly (entry
 * hash, its band keys and the shingle set of a typical article, exact keys, story hash, 32 band buckets spread
 * over the generations), because resolving a million real texts would take far longer than the lookups measured.
 * Random band keys are what unrelated stories look like to LSH. Uses its own prefix and deletes it at the end.
 *
 * Run: npx tsx bench/dedup.ts   (BENCH_DEDUP_LARGE=200000 for a quicker run; BENCH_DEDUP_DB picks the database, 15)
 */
import { randomBytes, randomFillSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { sketchText } from '../src/dedup/analyze.js';
import { mulberry32 } from '../src/dedup/hash.js';
import { DEFAULT_LSH } from '../src/dedup/minhash.js';
import { generationOf, StoryIndex } from '../src/dedup/story-index.js';
import { TranslationIndex } from '../src/dedup/translation-index.js';
import { translationSignature, type TranslationSignature } from '../src/dedup/translation.js';
import { dedupKeys, redisKeys } from '../src/redis/keys.js';
import { INTERVIEWS, renderInterview } from '../tests/dedup/translation-set.js';
import type { KeyFigure } from './_summary.js';

const RETENTION = 30 * 24 * 3600;
const GENERATIONS = 4;
const SHARD_BITS = Number(process.env.BENCH_DEDUP_SHARD_BITS ?? 0);
/** Shingles per synthetic story: a 400-word article. */
const SHINGLES_PER_STORY = 400;
const BATCH = 250;
const FILL_BUDGET_MS = 240_000;

const LOADER_LUA = `
local P, ttl, shardBits, start, count, gens = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6])
local data, gen0, expire0, genSpan = ARGV[7], tonumber(ARGV[8]), tonumber(ARGV[9]), tonumber(ARGV[10])
local bandBytes, shBytes = ${DEFAULT_LSH.bands * 4}, ${SHINGLES_PER_STORY * 4}
local per = bandBytes + shBytes
local span = 2 ^ (32 - shardBits)
for i = 0, count - 1 do
  local num = start + i
  local off = i * per + 1
  local bd = string.sub(data, off, off + bandBytes - 1)
  local sh = string.sub(data, off + bandBytes, off + per - 1)
  local back = num % gens
  local gen = gen0 - back
  local id = string.format('st-%020d', num)
  local gk, uk, fk = string.format('g%021d', num), string.format('u%021d', num), string.format('f%021d', num)
  local e = P .. ':dd:e:' .. num
  redis.call('HSET', e, 's', id, 'src', 'src-' .. (num % 200), 'f', fk, 'gn', gen, 'nb', bandBytes, 'gk', gk, 'uk', uk)
  redis.call('EXPIRE', e, ttl)
  redis.call('SET', P .. ':dd:x:' .. num, bd .. sh, 'EX', ttl)
  redis.call('SET', P .. ':dd:g:' .. gk, num, 'EX', ttl)
  redis.call('SET', P .. ':dd:u:' .. uk, num, 'EX', ttl)
  redis.call('SET', P .. ':dd:f:' .. fk, num, 'EX', ttl)
  local s = P .. ':dd:s:' .. id
  redis.call('HSET', s, 'src:src-' .. (num % 200), 1, 'n', 1, 'e:' .. num, 1)
  redis.call('EXPIRE', s, ttl)
  for b = 0, ${DEFAULT_LSH.bands - 1} do
    local a1, a2, a3, a4 = string.byte(bd, b * 4 + 1, b * 4 + 4)
    local k = ((a1 * 256 + a2) * 256 + a3) * 256 + a4
    local key = P .. ':dd:b:' .. gen .. ':' .. string.format('%d', math.floor(k / span))
    redis.call('HSET', key, string.format('%d', b * span + k % span), num)
  end
end
redis.call('SET', P .. ':dd:seq', start + count - 1)
return count
`;

/**
 * Bytes per story from MEMORY USAGE of sampled keys: 200 stories' own keys plus their share of the bucket hashes.
 * Unlike the INFO delta, other clients of the same Redis do not blur it.
 */
async function sampledBytesPerStory(redis: Redis, prefix: string, stories: number): Promise<number> {
  const keys = dedupKeys(prefix);
  const next = mulberry32(stories);
  const usage = async (key: string) => Number((await redis.memory('USAGE', key, 'SAMPLES', '0')) ?? 0);
  let own = 0;
  const sample = 200;
  for (let i = 0; i < sample; i++) {
    const num = 1 + (next() % stories);
    const pad = (c: string) => `${c}${String(num).padStart(21, '0')}`;
    const names = [
      keys.entry(num),
      `${prefix}:dd:x:${num}`,
      keys.guid(pad('g')),
      keys.url(pad('u')),
      keys.fingerprint(pad('f')),
      keys.story(`st-${String(num).padStart(20, '0')}`),
    ];
    for (const k of names) own += await usage(k);
  }
  const { gen } = generationOf(Date.now(), RETENTION, GENERATIONS);
  let buckets = 0;
  // every bucket hash when there are few (one per generation by default), else 400 drawn at random
  const shards = 2 ** SHARD_BITS;
  const probes = Math.min(400, GENERATIONS * shards);
  for (let i = 0; i < probes; i++)
    buckets += await usage(keys.bucket(gen - (i % GENERATIONS), probes === GENERATIONS * shards ? Math.floor(i / GENERATIONS) : next() % shards));
  return own / sample + (buckets / probes) * ((GENERATIONS * 2 ** SHARD_BITS) / stories);
}

async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info('memory');
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? 0);
}

export async function deleteByPrefix(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let n = 0;
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 20_000);
    cursor = next;
    if (keys.length) n += await redis.unlink(...keys);
  } while (cursor !== '0');
  return n;
}

/** Writes stories [from, to) with the bulk loader; stops early when the time budget is spent. */
export async function fill(redis: Redis, prefix: string, from: number, to: number, deadline: number): Promise<number> {
  const { gen, expireAt } = generationOf(Date.now(), RETENTION, GENERATIONS);
  const genSpan = Math.ceil(RETENTION / GENERATIONS);
  const per = DEFAULT_LSH.bands * 4 + SHINGLES_PER_STORY * 4;
  let n = from;
  // A few reused buffers: fresh ones per batch would leave gigabytes of garbage that slows the probes after.
  const pool = Array.from({ length: 4 }, () => Buffer.allocUnsafe(BATCH * per));
  const inFlight: Array<Promise<unknown>> = [];
  for (let batch = 0; n < to && Date.now() < deadline; batch++) {
    const count = Math.min(BATCH, to - n);
    if (inFlight.length >= pool.length) await inFlight.shift();
    const buf = pool[batch % pool.length]!.subarray(0, count * per);
    randomFillSync(buf);
    inFlight.push(redis.eval(LOADER_LUA, 0, prefix, RETENTION, SHARD_BITS, n + 1, count, GENERATIONS, buf, gen, expireAt, genSpan));
    n += count;
  }
  await Promise.all(inFlight);
  // Bucket keys expire with their generation, as resolve() sets them.
  const keys = dedupKeys(prefix);
  const pipe = redis.pipeline();
  for (let back = 0; back < GENERATIONS; back++) {
    for (let shard = 0; shard < 2 ** SHARD_BITS; shard++) pipe.expireat(keys.bucket(gen - back, shard), expireAt - back * genSpan);
  }
  await pipe.exec();
  return n;
}

type Doc = { id: string; outlet: string; text: string };

interface Probe {
  /** Mean milliseconds per resolve, one per index probed. */
  perItemMs: number[];
  p99Ms: number[];
  storyIds: Array<Set<string>>;
}

/**
 * Resolves `docs` one after another in each index, alternating between the indexes item by item, so that load
 * from other processes on the machine falls on every index alike and their ratio stays meaningful.
 */
async function probe(indexes: StoryIndex[], docs: Doc[], round: string): Promise<Probe> {
  const times = indexes.map(() => [] as number[]);
  const storyIds = indexes.map(() => new Set<string>());
  for (const d of docs) {
    for (let k = 0; k < indexes.length; k++) {
      const t0 = performance.now();
      const r = await indexes[k]!.resolve({
        sourceId: d.outlet,
        guid: `${round}:${d.id}`,
        url: `https://${round}.example/${encodeURIComponent(d.id)}`,
        title: '',
        contentText: d.text,
        proposedStoryId: `${round}:${d.id}`,
      });
      times[k]!.push(performance.now() - t0);
      storyIds[k]!.add(r.storyId);
    }
  }
  return {
    perItemMs: times.map((t) => t.reduce((x, y) => x + y, 0) / t.length),
    p99Ms: times.map((t) => [...t].sort((x, y) => x - y)[Math.floor(t.length * 0.99)] ?? 0),
    storyIds,
  };
}

/** Unique texts of words drawn from the evaluation set's vocabulary: new stories that exercise lookup and insert only. */
function freshTexts(docs: Array<{ text: string }>, count: number, seed: number): Array<{ id: string; outlet: string; text: string }> {
  const vocabulary = [...new Set(docs.flatMap((d) => d.text.split(/\s+/)))];
  const next = mulberry32(seed);
  return Array.from({ length: count }, (_, i) => ({
    id: `fresh-${seed}-${i}`,
    outlet: `outlet-${i % 20}`,
    text: Array.from({ length: 400 }, () => vocabulary[next() % vocabulary.length]).join(' '),
  }));
}

/**
 * Per-item cost in each index: best of three rounds, each round resolving 500 fresh stories and then the whole
 * evaluation set (95% copies), and removing what it added afterwards so the sizes stay put.
 */
async function measure(indexes: StoryIndex[], docs: Doc[], tag: string) {
  const best = indexes.map(() => ({ newStoryMs: Infinity, newStoryP99Ms: 0, evalMixMs: Infinity, evalMixP99Ms: 0 }));
  for (let round = 0; round < 3; round++) {
    const fresh = await probe(indexes, freshTexts(docs, 500, round + (tag === 'a' ? 0 : 100)), `${tag}n${round}`);
    const mix = await probe(indexes, docs, `${tag}m${round}`);
    indexes.forEach((index, k) => {
      const b = best[k]!;
      if (fresh.perItemMs[k]! < b.newStoryMs) Object.assign(b, { newStoryMs: fresh.perItemMs[k], newStoryP99Ms: fresh.p99Ms[k] });
      if (mix.perItemMs[k]! < b.evalMixMs) Object.assign(b, { evalMixMs: mix.perItemMs[k], evalMixP99Ms: mix.p99Ms[k] });
    });
    for (let k = 0; k < indexes.length; k++) for (const id of [...fresh.storyIds[k]!, ...mix.storyIds[k]!]) await indexes[k]!.remove(id);
  }
  return best;
}

/**
 * The cross-language step's cost per interview (evidence, candidates under the person's keys, comparisons, filing),
 * with `people` interviewees of 20 interviews each already filed: the step reads only the interviewee's candidates,
 * so its cost must not grow with the number of stories. Every probe's interviewee also has 20 interviews filed.
 */
async function crossLanguageStepMs(redis: Redis, prefix: string, people: number): Promise<number> {
  const index = new TranslationIndex(redis, redisKeys(prefix), RETENTION);
  const now = Date.UTC(2025, 5, 20);
  const next = mulberry32(people);
  const filler = (key: string, n: number): TranslationSignature => ({
    storyId: `${key}-${n}`,
    language: ['en', 'ru', 'az', 'tr'][n % 4]!,
    at: now - (next() % (2 * 24 * 3600_000)),
    personKeys: [key],
    turns: Array.from({ length: 3 + (n % 4) }, () => ({ numbers: [String(next() % 1000)], names: [], length: 200 + (next() % 400) })),
  });
  const probes = INTERVIEWS.flatMap((interview, i) => interview.languages.map((lang, k) => renderInterview(interview, lang, `bench-${i}`, k * 30)));
  const keys = [...Array.from({ length: people }, (_, p) => `person ${p}`), ...new Set(probes.flatMap((item) => translationSignature(item)!.personKeys))];
  for (let start = 0; start < keys.length; start += 50)
    await Promise.all(keys.slice(start, start + 50).flatMap((key) => Array.from({ length: 20 }, (_, n) => index.add(filler(key, n)))));
  const t0 = performance.now();
  for (const item of probes) {
    const signature = { ...translationSignature(item)!, at: now };
    if (!(await index.findOriginal(signature))) await index.add(signature);
  }
  return (performance.now() - t0) / probes.length;
}

/**
 * Runs the benchmark and returns its figures (milliseconds, bytes). Two indexes under two prefixes: one filled to
 * 10 000 stories, measured alone, then one filled to 1 000 000, after which both are measured interleaved.
 */
export async function benchDedup(): Promise<Record<string, number>> {
  const large = Number(process.env.BENCH_DEDUP_LARGE ?? 1_000_000);
  const small = 10_000;
  // A logical database of its own: other clients' SCAN-based cleanups in db 0 would otherwise walk our million
  // stories (and slow everyone, this benchmark included). Memory figures come from INFO, which spans all databases.
  const redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', { db: Number(process.env.BENCH_DEDUP_DB ?? 15) });
  const tag = randomBytes(4).toString('hex');
  const prefixes = [`{syn-bench-dedup-${tag}-s}`, `{syn-bench-dedup-${tag}-l}`] as const;
  const [smallIndex, largeIndex] = prefixes.map(
    (prefix) => new StoryIndex(redis, { prefix, retentionSeconds: RETENTION, generations: GENERATIONS, shardBits: SHARD_BITS }),
  );
  const docs = (JSON.parse(readFileSync(new URL('../tests/fixtures/dedup/eval-set.json', import.meta.url), 'utf8')) as { docs: Doc[] }).docs;
  const out: Record<string, number> = {};
  try {
    const mem0 = await usedMemory(redis);
    await fill(redis, prefixes[0], 0, small, Date.now() + FILL_BUDGET_MS);
    const mem1 = await usedMemory(redis);
    out.memPerStory10kBytes = Math.round((mem1 - mem0) / small);
    out.sampledBytesPerStory10k = Math.round(await sampledBytesPerStory(redis, prefixes[0], small));
    await probe([smallIndex!], docs.slice(0, 50), 'warm');
    const t0 = performance.now();
    for (const d of docs) sketchText(d.text);
    out.sketchMs = (performance.now() - t0) / docs.length;
    const [alone] = await measure([smallIndex!], docs, 'a');
    out.newStoryMsAt10kAlone = alone!.newStoryMs;
    out.evalMixMsAt10kAlone = alone!.evalMixMs;

    const t1 = Date.now();
    const reached = await fill(redis, prefixes[1], 0, large, Date.now() + FILL_BUDGET_MS);
    out.fillLargeMs = Date.now() - t1;
    out.largeStories = reached;
    out.memPerStoryLargeBytes = Math.round(((await usedMemory(redis)) - mem1) / reached);
    out.sampledBytesPerStoryLarge = Math.round(await sampledBytesPerStory(redis, prefixes[1], reached));

    const [s, l] = await measure([smallIndex!, largeIndex!], docs, 'b');
    for (const [k, v] of Object.entries(s!)) out[`${k}At10k`] = v;
    for (const [k, v] of Object.entries(l!)) out[`${k}AtLarge`] = v;
    out.ratioNewStory = l!.newStoryMs / s!.newStoryMs;
    out.ratioEvalMix = l!.evalMixMs / s!.evalMixMs;
    out.ratioNewStoryVs10kAlone = l!.newStoryMs / alone!.newStoryMs;
    // The cross-language step runs after resolve for interviews only (a tenth of the stories here, 20 per person):
    // its cost at 10k and at the large size.
    out.crossLanguageMsAt10k = await crossLanguageStepMs(redis, prefixes[0], small / 200);
    out.crossLanguageMsAtLarge = await crossLanguageStepMs(redis, prefixes[1], Math.floor(reached / 200));
    out.ratioNewInterviewWithStep = (l!.newStoryMs + out.crossLanguageMsAtLarge) / (s!.newStoryMs + out.crossLanguageMsAt10k);
  } finally {
    const t = Date.now();
    for (const prefix of prefixes) await deleteByPrefix(redis, prefix);
    out.cleanupMs = Date.now() - t;
    await redis.quit();
  }
  return out;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const r = await benchDedup();
  const f = (x: number | undefined, d = 3) => (x ?? NaN).toFixed(d);
  const n = r.largeStories;
  console.log(
    `dedup: new story ${f(r.newStoryMsAt10k)} ms/item with 10k stories, ${f(r.newStoryMsAtLarge)} ms/item with ${n} (ratio ${f(r.ratioNewStory, 2)}); ` +
      `evaluation set (95% copies) ${f(r.evalMixMsAt10k)} / ${f(r.evalMixMsAtLarge)} ms (ratio ${f(r.ratioEvalMix, 2)}); ` +
      `10k measured alone before the fill: ${f(r.newStoryMsAt10kAlone)} ms (large/alone ${f(r.ratioNewStoryVs10kAlone, 2)}); sketch ${f(r.sketchMs)} ms; ` +
      `cross-language step per interview ${f(r.crossLanguageMsAt10k)} / ${f(r.crossLanguageMsAtLarge)} ms (new interview with the step, ratio ${f(r.ratioNewInterviewWithStep, 2)}); ` +
      `Redis memory per story (INFO delta / sampled MEMORY USAGE) ${f(r.memPerStory10kBytes, 0)} / ${f(r.sampledBytesPerStory10k, 0)} B at 10k, ${f(r.memPerStoryLargeBytes, 0)} / ${f(r.sampledBytesPerStoryLarge, 0)} B at ${n}; fill ${f((r.fillLargeMs ?? 0) / 1000, 1)} s, cleanup ${f((r.cleanupMs ?? 0) / 1000, 1)} s`,
  );
  console.log(JSON.stringify(r));
}
export default benchDedup;

/** This benchmark's rows in the report `npm run bench` ends with (bench/_summary.ts). */
export const keyFigures: KeyFigure[] = [
  { label: 'dedup, new story with 1 M stories indexed: ms', figure: 'newStoryMsAtLarge', baseline: 'newStoryMsAt10k', ratio: 'ratioNewStory', goal: '≤ 1.3' },
  { label: 'dedup, Redis bytes per story (1 M)', figure: 'memPerStoryLargeBytes', goal: '(reported)' },
];
