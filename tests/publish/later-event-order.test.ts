import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../support/http.js';
import { startTestSystem } from '../support/system.js';
import { articleItem } from './fixtures.js';

/**
 * The dedup stage can hand the publish queue a later event about a story before that story's own item.published
 * job has stored it; publish workers take them in parallel. Nothing may be lost, and an edit may not be undone.
 */
describe('a later event that reaches the publish stage before its story', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  const outlet = { id: 'caspian-post', name: 'Caspian Post', url: 'https://caspianpost.example/', itemUrl: 'https://caspianpost.example/a1' };

  beforeAll(async () => {
    system = await startTestSystem('later-event-order', { channels: [{ id: 'all', title: 'Everything' }] }, ['publish']);
  });

  afterAll(async () => {
    await system?.cleanup();
  });

  it('item.source_added waits for the story, then adds the outlet', async () => {
    const story = articleItem(21);
    const early = await system.ctx.queues.publish.add('publish', { event: 'item.source_added', storyId: story.id, source: outlet }, { jobId: 'early-source' });
    // Let it find no story at least once.
    await waitFor('the early event to wait', async () => (await system.ctx.queues.publish.getJobState(early.id!)) === 'delayed', 5_000);
    await system.ctx.queues.publish.add('publish', { event: 'item.published', item: story }, { jobId: 'late-published' });
    await waitFor('the outlet added', async () => (await system.ctx.items.get(story.id))?.sources.length === 2, 10_000);
    expect((await system.ctx.items.get(story.id))!.sources.map((s) => s.id)).toEqual([story.source.id, 'caspian-post']);
    const job = await waitFor(
      'the early job done',
      async () => {
        const done = await system.ctx.queues.publish.getJob(early.id!);
        return done && (await done.isCompleted()) ? done : null;
      },
      5_000,
    );
    expect(job.returnvalue).toMatchObject({ storyId: story.id, event: 'item.source_added' });
    // Postponed, not failed: no attempt spent.
    expect(job.attemptsMade).toBe(1);
  });

  it('item.updated waits for the story, so the older version never overwrites the edit', async () => {
    const story = articleItem(22);
    const edited = { ...story, title: `${story.title} (corrected)`, contentText: `${story.contentText} Correction.` };
    const early = await system.ctx.queues.publish.add('publish', { event: 'item.updated', item: edited }, { jobId: 'early-update' });
    await waitFor('the early edit to wait', async () => (await system.ctx.queues.publish.getJobState(early.id!)) === 'delayed', 5_000);
    expect(await system.ctx.items.get(story.id)).toBeNull();
    await system.ctx.queues.publish.add('publish', { event: 'item.published', item: story }, { jobId: 'late-original' });
    await waitFor('the edit stored', async () => (await system.ctx.items.get(story.id))?.title === edited.title, 10_000);
    const stored = (await system.ctx.items.get(story.id))!;
    expect(stored.contentText).toBe(edited.contentText);
    expect(stored.publishedAt).toBe(story.publishedAt);
  });
});
