import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ERROR_CATALOGUE } from '../../src/core/errors.js';

/** Every `.ts` file under `dir`, recursively. */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const catalogueFile = join('src', 'core', 'errors.ts');
const codes = Object.keys(ERROR_CATALOGUE);
const readme = readFileSync('README.md', 'utf8');
const sourcesOutsideCatalogue = sourceFiles('src')
  .filter((file) => file !== catalogueFile)
  .map((file) => ({ file, text: readFileSync(file, 'utf8') }));

/** The README's error table: `| \`SYN_ERR_X\` | 404 | meaning |` rows, code to status. */
function documentedCodes(): Map<string, number> {
  const rows = readme.matchAll(/^\| `(SYN_ERR_[A-Z_]+)` \| (\d{3}) \|/gm);
  return new Map([...rows].map((row) => [row[1]!, Number(row[2])]));
}

// Error codes are part of the contract (fastify guards its own the same way: test/internals/errors.test.js).
describe('the error catalogue', () => {
  it('documents every code in the README with the status the API answers', () => {
    const documented = documentedCodes();
    const missing = codes.filter((code) => !documented.has(code));
    expect(missing, 'codes missing from the README error table').toEqual([]);
    const wrongStatus = codes.filter((code) => documented.get(code) !== ERROR_CATALOGUE[code as keyof typeof ERROR_CATALOGUE].httpStatus);
    expect(wrongStatus, 'README status differs from the catalogue').toEqual([]);
    const unknown = [...documented.keys()].filter((code) => !codes.includes(code));
    expect(unknown, 'README documents codes the catalogue lacks').toEqual([]);
  });

  it('uses every code somewhere in src/', () => {
    const unused = codes.filter((code) => !sourcesOutsideCatalogue.some(({ text }) => new RegExp(`\\b${code}\\b`).test(text)));
    expect(unused, 'codes nothing raises').toEqual([]);
  });

  it('knows every code that src/ names', () => {
    const named = new Set(sourcesOutsideCatalogue.flatMap(({ text }) => [...text.matchAll(/\bSYN_ERR_[A-Z_]*[A-Z]\b/g)].map((match) => match[0])));
    const unknown = [...named].filter((code) => !codes.includes(code));
    expect(unknown, 'codes used in src/ but not in the catalogue').toEqual([]);
  });
});
