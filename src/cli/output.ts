import type { Writable } from 'node:stream';

/** Renders rows as an aligned text table with a header line (pure). */
export function renderTable(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n') + '\n';
}

/** Prints `value` as JSON (for scripts) or as the human text `human` gives. */
export function print(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : human());
}

/** Prints a list: `{ [key]: items }` as JSON for scripts, else a table of `row(item)` under `headers` (`none` when empty). */
export function printList<T>(json: boolean, key: string, items: readonly T[], none: string, headers: string[], row: (item: T) => string[]): void {
  print(json, { [key]: items }, () => (items.length === 0 ? `${none}\n` : renderTable(headers, items.map(row))));
}

/**
 * A one-line progress bar redrawn in place (`\r`) on a terminal: `[#####.....] 12/40 news-az`. Nothing is drawn
 * when `enabled` is false (output piped, or `--json`), so scripts see only the result.
 */
export class ProgressBar {
  private last = '';

  constructor(
    private readonly total: number,
    private readonly out: Writable,
    private readonly enabled: boolean,
    private readonly width = 30,
  ) {}

  /** Redraws the bar at `done` of the total, with a label (nothing when the bar is off). */
  update(done: number, label = ''): void {
    if (!this.enabled) return;
    const filled = this.total ? Math.round((done / this.total) * this.width) : this.width;
    const text = `[${'#'.repeat(filled)}${'.'.repeat(this.width - filled)}] ${done}/${this.total} ${label}`.slice(0, 100);
    this.out.write(`\r${text.padEnd(this.last.length)}`);
    this.last = text;
  }

  /** Ends the bar's line, so what is printed next starts on a line of its own. */
  done(): void {
    if (this.enabled && this.last) this.out.write('\n');
  }
}
