/**
 * The one report `npm run bench` ends with: each benchmark module names its key figures (`export const keyFigures`),
 * and bench/run.ts gathers them into one Markdown table, each figure beside its baseline measured in the same run,
 * the ratio and the goal, with the machine's load average while the module ran (a shared 2-core machine: absolute
 * rates move with the load, the ratios to in-run baselines much less).
 */
import { loadavg } from 'node:os';

export type Figures = Record<string, number | string>;

/** One row of the report: names of figures in the module's result (a name ending in `*` matches by prefix). */
export interface KeyFigure {
  /** What the row measures, as the table shows it. */
  label: string;
  figure: string;
  baseline?: string;
  /** The ratio figure; without it, figure / baseline when both are numbers. */
  ratio?: string;
  /** `≥ 0.8`, `≤ 0.5`, or free text; `≥`/`≤` goals are checked against the ratio (or the figure, with no baseline). */
  goal?: string;
}

export interface ModuleRun {
  module: string;
  figures: Figures;
  keyFigures: KeyFigure[];
  /** 1-minute load average at the module's start and end. */
  load: [number, number];
}

export const loadNow = (): number => loadavg()[0]!;

function lookup(figures: Figures, name: string | undefined): number | string | undefined {
  if (name === undefined) return undefined;
  if (name.endsWith('*')) {
    const prefix = name.slice(0, -1);
    const key = Object.keys(figures).find((k) => k.startsWith(prefix));
    return key === undefined ? undefined : figures[key];
  }
  return figures[name];
}

const show = (value: number | string | undefined): string =>
  value === undefined ? '–' : typeof value === 'number' ? String(Number(value.toPrecision(Math.abs(value) >= 1000 ? 6 : 3))) : value;

/** Whether `value` meets a `≥ x` / `≤ x` goal: '✓', '✗', or '' when the goal is not of that form. */
function verdict(goal: string | undefined, value: number | string | undefined): string {
  const match = /^(≥|>=|≤|<=)\s*([\d.]+)/.exec(goal ?? '');
  if (!match || typeof value !== 'number') return '';
  const bound = Number(match[2]);
  return (match[1] === '≥' || match[1] === '>=' ? value >= bound : value <= bound) ? ' ✓' : ' ✗';
}

/** The Markdown table of every module's key figures. */
export function summaryTable(runs: ModuleRun[]): string {
  const lines = ['| bench | figure | value | in-run baseline | ratio | goal | load (1 min, start–end) |', '| --- | --- | ---: | ---: | ---: | --- | --- |'];
  for (const run of runs) {
    for (const row of run.keyFigures) {
      const value = lookup(run.figures, row.figure);
      const baseline = lookup(run.figures, row.baseline);
      const ratio =
        lookup(run.figures, row.ratio) ?? (typeof value === 'number' && typeof baseline === 'number' && baseline !== 0 ? value / baseline : undefined);
      const checked = row.baseline !== undefined || row.ratio !== undefined ? ratio : value;
      const load = `${run.load[0].toFixed(1)}–${run.load[1].toFixed(1)}`;
      lines.push(
        `| ${run.module} | ${row.label} | ${show(value)} | ${show(baseline)} | ${show(ratio)} | ${row.goal ?? ''}${verdict(row.goal, checked)} | ${load} |`,
      );
    }
  }
  return lines.join('\n');
}
