import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/**
 * The one loader of the project's Lua scripts. Each script is a `.lua` file in `./lua/` whose header comment says
 * what it does, its KEYS and ARGV (Input) and what it returns (Output), as BullMQ's commands do; shared Lua sits in
 * `./lua/includes/` and is pulled in by a `--- @include "includes/<name>"` line. Every script runs one way,
 * {@link runScript}: EVALSHA, and EVAL once when Redis does not know the script yet (after a restart or a
 * `SCRIPT FLUSH`), so the source crosses the wire only then.
 */

/** The scripts of `./lua/` (file name without `.lua`). */
export type ScriptName =
  | 'channel-add'
  | 'channel-expire'
  | 'channel-leave'
  | 'channel-refile'
  | 'channel-retract'
  | 'dedup-claim'
  | 'dedup-remove'
  | 'endpoint-batch'
  | 'fanout-prior-state'
  | 'host-acquire'
  | 'host-hand-over'
  | 'host-release'
  | 'host-pause'
  | 'items-touch'
  | 'seen-prune'
  | 'seen-relist'
  | 'websub-expire'
  | 'websub-subscribe';

/** A loaded script: its expanded source, its SHA-1, and how many KEYS it takes (null: variable, see its header). */
export interface LuaScript {
  readonly name: ScriptName;
  readonly source: string;
  readonly sha: string;
  readonly numberOfKeys: number | null;
}

/** What a script may be given besides its keys. */
export type ScriptArg = string | number | Buffer;

const LUA_DIR = new URL('./lua/', import.meta.url);
const INCLUDE = /^--- @include "([\w/-]+)"$/gm;

/** Reads one file of the Lua folder with its includes expanded (each included once, where it is first named). */
function expand(path: string, included: Set<string>): string {
  return readFileSync(new URL(`${path}.lua`, LUA_DIR), 'utf8').replace(INCLUDE, (_, name: string) => {
    if (included.has(name)) return '';
    included.add(name);
    return expand(name, included);
  });
}

/**
 * The keys a script's header declares: the highest `KEYS[n]` of its Input section, or null when it takes a
 * variable number (`KEYS[2...]`). Throws when the header lacks its Input or Output section.
 */
function declaredKeys(name: string, source: string): number | null {
  const header = /^--\[\[([\s\S]*?)\]\]/.exec(source)?.[1] ?? '';
  if (!/^[ \t]*Input:/m.test(header) || !/^[ \t]*Output:/m.test(header))
    throw new Error(`redis/lua/${name}.lua: the header must list Input (KEYS, ARGV) and Output`);
  if (/KEYS\[\d+\.\.\./.test(header)) return null;
  return Math.max(0, ...[...header.matchAll(/KEYS\[(\d+)\]/g)].map((m) => Number(m[1])));
}

function load(): Map<string, LuaScript> {
  const scripts = new Map<string, LuaScript>();
  for (const file of readdirSync(LUA_DIR)) {
    if (!file.endsWith('.lua')) continue;
    const name = file.slice(0, -4) as ScriptName;
    const source = expand(name, new Set());
    scripts.set(name, { name, source, sha: createHash('sha1').update(source).digest('hex'), numberOfKeys: declaredKeys(name, source) });
  }
  return scripts;
}

/** Every script, read once when this module loads (they are part of the program, like its code). */
const SCRIPTS = load();

/** The loaded script of that name. */
export function luaScript(name: ScriptName): LuaScript {
  const script = SCRIPTS.get(name);
  if (!script) throw new Error(`no Lua script redis/lua/${name}.lua`);
  return script;
}

/** Runs a script: EVALSHA, falling back to EVAL when Redis answers NOSCRIPT. Answers the script's raw reply. */
export async function runScript(redis: Redis, script: LuaScript, keys: readonly string[], args: readonly ScriptArg[]): Promise<unknown> {
  if (script.numberOfKeys !== null && keys.length !== script.numberOfKeys) {
    throw new Error(`redis/lua/${script.name}.lua takes ${script.numberOfKeys} keys, was given ${keys.length}`);
  }
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
    return redis.eval(script.source, keys.length, ...keys, ...args);
  }
}
