/**
 * `npm run bench`: runs every benchmark module in this folder (each default-exports an async function returning
 * its figures, baselines measured in the same run included) and prints one block per benchmark.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  // The dedup benchmark fills Redis with a million stories; Redis frees them in the background afterwards, which
  // would load the machine under the benchmarks after it. It runs last.
  .sort((a, b) => Number(a === 'dedup.ts') - Number(b === 'dedup.ts') || a.localeCompare(b));

for (const file of files) {
  const module = (await import(pathToFileURL(`${here}${file}`).href)) as { default?: () => Promise<Record<string, number | string>> };
  if (typeof module.default !== 'function') continue;
  const started = Date.now();
  const figures = await module.default();
  console.log(`\n## ${file.replace(/\.ts$/, '')} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const [name, value] of Object.entries(figures)) console.log(`  ${name.padEnd(48)} ${typeof value === 'number' ? Number(value.toFixed(3)) : value}`);
}
process.exit(0);
