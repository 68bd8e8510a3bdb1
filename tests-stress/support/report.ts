import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './harness.js';

/** Prints a stress test's figures and appends them (one JSON line) to data/stress-report.jsonl for the record. */
export function report(test: string, figures: Record<string, unknown>): void {
  const line = JSON.stringify({ test, at: new Date().toISOString(), ...figures });
  console.log(`stress ${line}`);
  mkdirSync(join(ROOT, 'data'), { recursive: true });
  appendFileSync(join(ROOT, 'data/stress-report.jsonl'), `${line}\n`);
}
