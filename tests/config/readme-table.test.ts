import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { configSchema } from '../../src/config/schema.js';

/** Zod's definition of a schema: the fields this walk reads. */
interface SchemaDef {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
}

/**
 * Every key path of the configuration schema (`limits.fetchTimeout`, `sources[].cleanup`), objects as well as their
 * fields: wrappers (defaults, optionals, refinements) are seen through, an array's element fields follow `[].`.
 */
function schemaPaths(schema: z.ZodType, prefix = '', into = new Map<string, string[]>()): Map<string, string[]> {
  const def = (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
  if (def.innerType) return schemaPaths(def.innerType, prefix, into);
  if (def.type === 'pipe' && def.in) return schemaPaths(def.in, prefix, into);
  if (def.type === 'array' && def.element) return schemaPaths(def.element, `${prefix}[]`, into);
  if (def.type === 'object' && def.shape) {
    for (const [key, field] of Object.entries(def.shape)) {
      const path = prefix ? `${prefix}.${key}` : key;
      into.set(path, []);
      schemaPaths(field, path, into);
      if (prefix) into.get(prefix.replace(/\[\]$/, ''))?.push(path);
    }
  }
  return into;
}

/**
 * The keys the README's configuration table names: the first column's code spans, a span starting with `.` being a
 * sibling of the row's first key (`limits.fetchTimeout`, `.maxFeedBytes` → `limits.maxFeedBytes`).
 */
function documentedKeys(readme: string): Set<string> {
  const section = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('\n## ', readme.indexOf('## Configuration') + 1));
  const keys = new Set<string>();
  for (const row of section.matchAll(/^\| ([^|]*(?:\\\|[^|]*)*) \|/gm)) {
    const spans = [...row[1]!.matchAll(/`([^`]+)`/g)].map((span) => span[1]!);
    const parent = spans[0]?.replace(/\.[^.]+$/, '') ?? '';
    for (const span of spans) keys.add(span.startsWith('.') ? parent + span : span);
  }
  keys.delete('key');
  return keys;
}

describe("the README's configuration table", () => {
  const paths = schemaPaths(configSchema);
  const documented = documentedKeys(readFileSync('README.md', 'utf8'));

  it('names only keys the schema has', () => {
    expect([...documented].filter((key) => !paths.has(key))).toEqual([]);
  });

  it('documents every key of the schema, itself or the object that holds it', () => {
    const covered = (path: string): boolean => documented.has(path) || (path.includes('.') && covered(path.replace(/\.[^.]+$/, '')));
    const leaves = [...paths].filter(([, children]) => children.length === 0).map(([path]) => path);
    expect(leaves.length).toBeGreaterThan(50);
    expect(leaves.filter((path) => !covered(path))).toEqual([]);
  });
});
