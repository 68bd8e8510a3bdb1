import { readdirSync, readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { luaScript, runScript, type LuaScript, type ScriptName } from '../../src/redis/scripts.js';
import { deleteKeys, TEST_REDIS_URL, uniquePrefix } from '../support/redis.js';

const LUA_DIR = new URL('../../src/redis/lua/', import.meta.url);
const redis = new Redis(TEST_REDIS_URL);
const prefix = uniquePrefix('scripts');

afterAll(async () => {
  await deleteKeys(prefix);
  redis.disconnect();
});

describe('the Lua script loader', () => {
  it('loads every .lua file of redis/lua, each with a header naming its KEYS, ARGV and output', () => {
    const files = readdirSync(LUA_DIR)
      .filter((f) => f.endsWith('.lua'))
      .map((f) => f.slice(0, -4));
    for (const name of files) {
      // The loader read it (luaScript throws for a script it does not know).
      expect(luaScript(name as ScriptName).name, name).toBe(name);
      const header = /^--\[\[([\s\S]*?)\]\]/.exec(readFileSync(new URL(`${name}.lua`, LUA_DIR), 'utf8'))?.[1] ?? '';
      expect(header, name).toMatch(/Input:[\s\S]*Output:/);
      expect(header, name).toMatch(/KEYS\[1\]/);
      expect(header, name).toMatch(/ARGV\[1(\]|\.\.\.)/);
    }
  });

  it('expands includes, and Redis compiles every script', async () => {
    expect(luaScript('dedup-claim').source).toContain('local function band_groups');
    expect(luaScript('channel-add').source).toContain('local function definitionIs');
    expect(luaScript('channel-add').source).not.toContain('@include');
    const names = readdirSync(LUA_DIR)
      .filter((f) => f.endsWith('.lua'))
      .map((f) => f.slice(0, -4));
    for (const name of names) {
      const script = luaScript(name as ScriptName);
      expect(await redis.script('LOAD', script.source), name).toBe(script.sha);
    }
  });

  it('counts the KEYS a header declares, and refuses a call with another number', async () => {
    expect(luaScript('host-acquire').numberOfKeys).toBe(2);
    expect(luaScript('dedup-claim').numberOfKeys).toBe(5);
    expect(luaScript('fanout-prior-state').numberOfKeys).toBeNull();
    await expect(runScript(redis, luaScript('host-pause'), [], [1])).rejects.toThrow(/takes 1 keys/);
  });

  it('runs a script Redis does not know yet (EVAL once, after NOSCRIPT) and by its SHA afterwards', async () => {
    const pause = luaScript('host-pause');
    // The same script under a source Redis has never seen: its SHA is unknown, so the first call falls back.
    const source = `${pause.source}\n-- ${prefix}`;
    const { createHash } = await import('node:crypto');
    const fresh: LuaScript = { ...pause, source, sha: createHash('sha1').update(source).digest('hex') };
    expect(await redis.script('EXISTS', fresh.sha)).toEqual([0]);
    const key = `${prefix}:host:example:state`;
    expect(await runScript(redis, fresh, [key], [Date.now() + 60_000])).toBe(1);
    expect(await redis.script('EXISTS', fresh.sha)).toEqual([1]);
    expect(Number(await redis.hget(key, 'pausedUntil'))).toBeGreaterThan(Date.now());
  });
});
