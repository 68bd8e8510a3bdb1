import { describe, expect, it } from 'vitest';
import { analyzeArticle, type ArticleAnalysis } from '../../src/normalize/article/analyze-article.js';
import { loadFixtures, type Fixture } from './labelled-set.js';

const interviews = loadFixtures('interviews');
const articles = loadFixtures('articles');

function analyze(fixture: Fixture): ArticleAnalysis {
  const { labels } = fixture;
  return analyzeArticle({
    title: labels.title,
    html: fixture.body,
    sourceName: labels.sourceName,
    language: labels.language ?? null,
    baseUrl: labels.baseUrl,
  });
}

/** Scores the whole labelled set the way the issue states its goals. */
function score() {
  let truePositives = 0;
  let falsePositives = 0;
  let falseNegatives = 0;
  let turnsExpected = 0;
  let turnsExact = 0;
  let intervieweeRight = 0;
  let roleRight = 0;
  const misses: string[] = [];
  for (const fixture of interviews) {
    const result = analyze(fixture);
    const expected = fixture.labels.expected;
    if (result.kind === 'interview') truePositives += 1;
    else {
      falseNegatives += 1;
      misses.push(`${fixture.id}: not detected`);
    }
    const turns = expected.turns ?? [];
    turnsExpected += turns.length;
    turns.forEach((turn, i) => {
      const got = result.interview?.qa[i];
      if (got && got.question === turn.question && got.answer === turn.answer) turnsExact += 1;
      else misses.push(`${fixture.id}: turn ${i + 1} differs`);
    });
    if ((result.interview?.qa.length ?? 0) !== turns.length) misses.push(`${fixture.id}: ${result.interview?.qa.length ?? 0} turns`);
    const person = result.interview?.interviewee ?? null;
    const want = expected.interviewee ?? null;
    if (person?.name === want?.name) intervieweeRight += 1;
    else misses.push(`${fixture.id}: interviewee ${person?.name} ≠ ${want?.name}`);
    if (person?.role === want?.role) roleRight += 1;
    else misses.push(`${fixture.id}: role ${person?.role} ≠ ${want?.role}`);
  }
  for (const fixture of articles) {
    if (analyze(fixture).kind === 'interview') {
      falsePositives += 1;
      misses.push(`${fixture.id}: taken for an interview`);
    }
  }
  return {
    precision: truePositives / Math.max(1, truePositives + falsePositives),
    recall: truePositives / Math.max(1, truePositives + falseNegatives),
    turnAccuracy: turnsExact / Math.max(1, turnsExpected),
    intervieweeAccuracy: intervieweeRight / interviews.length,
    roleAccuracy: roleRight / interviews.length,
    misses,
  };
}

describe('the labelled set', () => {
  it('has at least 20 interviews and 20 articles, in English, Russian and Azerbaijani', () => {
    expect(interviews.length).toBeGreaterThanOrEqual(20);
    expect(articles.length).toBeGreaterThanOrEqual(20);
    const languages = new Set(interviews.map((f) => analyze(f).language));
    expect([...languages]).toEqual(expect.arrayContaining(['en', 'ru', 'az']));
  });

  it('meets the goals: detection ≥ 0.98 both ways, turns ≥ 0.95 exact, interviewee ≥ 0.95', () => {
    const s = score();
    console.log(
      `labelled set: ${interviews.length} interviews, ${articles.length} articles; detection precision ${s.precision.toFixed(3)} recall ${s.recall.toFixed(3)}; exact turns ${s.turnAccuracy.toFixed(3)}; interviewee ${s.intervieweeAccuracy.toFixed(3)} (role ${s.roleAccuracy.toFixed(3)})` +
        (s.misses.length > 0 ? `; misses: ${s.misses.join(' | ')}` : ''),
    );
    expect(s.precision).toBeGreaterThanOrEqual(0.98);
    expect(s.recall).toBeGreaterThanOrEqual(0.98);
    expect(s.turnAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(s.intervieweeAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  describe.each(interviews.map((f) => [f.id, f] as const))('interview %s', (_id, fixture) => {
    const result = analyze(fixture);
    const expected = fixture.labels.expected;

    // Only the checks this fixture has labels for, so that none is reported as skipped.
    const checks: [name: string, check: () => void][] = [
      [
        'keeps furniture out of intro, questions, answers and text',
        () => {
          const texts = [result.contentText, result.interview?.intro ?? '', ...(result.interview?.qa ?? []).flatMap((t) => [t.question, t.answer])];
          for (const furniture of expected.mustNotContain ?? []) {
            for (const text of texts) expect(text).not.toContain(furniture);
          }
        },
      ],
    ];
    if (expected.interviewer !== undefined) {
      checks.push(['names the interviewer', () => expect(result.interview?.interviewer).toBe(expected.interviewer)]);
    }
    if (expected.headline !== undefined) {
      checks.push(['gives the headline without name and marker', () => expect(result.interview?.headline).toBe(expected.headline)]);
    }
    if (expected.images !== undefined) {
      checks.push([
        'moves captions and credits into images',
        () => expect(result.images).toEqual(expect.arrayContaining((expected.images ?? []).map((i) => expect.objectContaining(i)))),
      ]);
    }

    it.each(checks)('%s', (_name, check) => check());
  });
});
