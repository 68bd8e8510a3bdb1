import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImageRef, QaTurn } from '../../src/core/item.js';

/** The labels written by hand next to each fixture body. */
export interface FixtureLabels {
  title: string;
  sourceName?: string;
  language?: string;
  baseUrl?: string;
  shape?: string;
  expected: {
    kind: 'interview' | 'article';
    interviewee?: { name: string; role?: string } | null;
    interviewer?: string;
    headline?: string;
    turns?: QaTurn[];
    images?: ImageRef[];
    /** Furniture that must appear in none of intro, qa and contentText. */
    mustNotContain?: string[];
  };
}

/** A labelled fixture: its labels and its body (HTML or plain text). */
export interface Fixture {
  id: string;
  labels: FixtureLabels;
  body: string;
}

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url));

/** Loads every `name.json` of a fixture folder with its `name.html` or `name.txt` body. */
export function loadFixtures(folder: 'interviews' | 'articles'): Fixture[] {
  const dir = join(FIXTURES, folder);
  const files = readdirSync(dir);
  return files
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const id = basename(f, '.json');
      const bodyFile = files.find((b) => b === `${id}.html` || b === `${id}.txt`);
      if (!bodyFile) throw new Error(`fixture ${folder}/${id} has no .html or .txt body`);
      return {
        id,
        labels: JSON.parse(readFileSync(join(dir, f), 'utf8')) as FixtureLabels,
        body: readFileSync(join(dir, bodyFile), 'utf8'),
      };
    });
}
