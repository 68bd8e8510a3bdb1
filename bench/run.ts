/**
 * `npm run bench`: runs every benchmark module in this folder (each default-exports an async function returning
 * its figures, baselines measured in the same run included, and exports `keyFigures`, the rows it adds to the
 * report), prints one block per benchmark, then ONE Markdown table of every module's key figures (bench/_summary.ts;
 * what each means: bench/README.md). `npx tsx bench/run.ts e2e normalize` runs the modules whose names contain
 * those words.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadNow, summaryTable, type Figures, type KeyFigure, type ModuleRun } from './_summary.js';

const here = fileURLToPath(new URL('.', import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'run.ts' && !f.startsWith('_'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  // The dedup benchmark fills Redis with a million stories; Redis frees them in the background afterwards, which
  // would load the machine under the benchmarks after it. It runs last.
  .sort((a, b) => Number(a === 'dedup.ts') - Number(b === 'dedup.ts') || a.localeCompare(b));

const runs: ModuleRun[] = [];
for (const file of files) {
  const module = (await import(pathToFileURL(`${here}${file}`).href)) as { default?: () => Promise<Figures>; keyFigures?: KeyFigure[] };
  if (typeof module.default !== 'function') continue;
  const started = Date.now();
  const loadAtStart = loadNow();
  const figures = await module.default();
  const name = file.replace(/\.ts$/, '');
  runs.push({ module: name, figures, keyFigures: module.keyFigures ?? [], load: [loadAtStart, loadNow()] });
  console.log(`\n## ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  for (const [label, value] of Object.entries(figures)) console.log(`  ${label.padEnd(48)} ${typeof value === 'number' ? Number(value.toFixed(3)) : value}`);
}
console.log(`\n## Summary (${new Date().toISOString()}, ${process.version})\n\n${summaryTable(runs)}`);
process.exit(0);
