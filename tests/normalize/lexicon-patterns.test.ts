import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkLinearPattern } from '../../src/core/linear-pattern.js';

/**
 * The normalizer's patterns built at load from the lexicons' word lists (`new RegExp(\`…${alternation(…)}…\`)`), which
 * ESLint cannot read: every `new RegExp` made while the normalize modules load is caught and checked here.
 */
const built: Array<{ source: string; flags: string }> = [];
const NativeRegExp = globalThis.RegExp;

beforeAll(async () => {
  globalThis.RegExp = new Proxy(NativeRegExp, {
    construct(target, args: [string | RegExp, string?]) {
      const made = new target(...args);
      built.push({ source: made.source, flags: made.flags });
      return made;
    },
  });
  try {
    await import('../../src/normalize/normalize-entry.js');
  } finally {
    globalThis.RegExp = NativeRegExp;
  }
});

afterAll(() => {
  globalThis.RegExp = NativeRegExp;
});

describe('lexicon patterns', () => {
  it('every pattern built from the lexicons runs in linear time', () => {
    expect(built.length).toBeGreaterThan(20);
    const findings = built
      .map(({ source, flags }) => ({ source, flags, check: checkLinearPattern(source, flags, { maxLength: Infinity }) }))
      .filter(({ check }) => !check.ok);
    expect(findings.map(({ source, flags, check }) => `/${source.slice(0, 160)}/${flags}: ${check.ok ? '' : check.reason}`)).toEqual([]);
  });
});
