import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyItemChanges } from '../../src/core/item-changes.js';
import type { WebhookEvent } from '../../src/core/item.js';
import { processPublishJob } from '../../src/publish/publish-processor.js';
import type { FanoutJob, PublishJob } from '../../src/queues/pipeline.js';
import { startTestSystem } from '../support/system.js';
import { interviewItem } from './fixtures.js';

describe('item.updated carries a JSON Patch whose paths name turns by id', () => {
  let system: Awaited<ReturnType<typeof startTestSystem>>;
  const publish = (data: PublishJob) => processPublishJob(system.ctx, { data } as Job<PublishJob>);
  const fanoutEvents = async (type = 'item.updated') =>
    (await system.ctx.queues.deliver.getJobs(['waiting', 'delayed', 'prioritized']))
      .map((job) => job.data as FanoutJob)
      .filter((data) => data.eventType === type)
      .map((data) => JSON.parse(data.body) as WebhookEvent);

  beforeAll(async () => {
    system = await startTestSystem(
      'updated-event',
      { subscriptions: [{ id: 'mirror', url: 'http://127.0.0.1:9/hook', secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw' }] },
      [],
    );
  });

  afterAll(async () => {
    await system?.cleanup();
  });

  it('an edited answer: one operation on that turn, ids kept, the stored story is the edit, a retry sends the same patch', async () => {
    const first = interviewItem(1);
    await publish({ event: 'item.published', item: first });
    const [turn0, turn1] = first.interview!.qa;
    // The edit comes from the normalizer with content ids of its own; the reworded question gets a new content id.
    const edit = interviewItem(1, {
      interview: {
        ...first.interview!,
        qa: [
          { ...turn0!, id: 'from-normalizer-0', question: 'Какие у вас прогнозы <на> 2026 год?' },
          { ...turn1!, id: 'from-normalizer-1', answer: 'Yaxşılaşır, əlbəttə.' },
        ],
      },
    });
    await publish({ event: 'item.updated', item: edit });
    const stored = (await system.ctx.items.get(first.id))!;
    expect(stored.interview!.qa.map((t) => t.id)).toEqual([turn0!.id, turn1!.id]);
    expect(stored.interview!.qa[1]!.answer).toBe('Yaxşılaşır, əlbəttə.');

    const [event] = await fanoutEvents();
    expect(event!.changes!.filter((op) => op.path.startsWith('/interview/'))).toEqual([
      { op: 'replace', path: `/interview/qa/${turn1!.id}/answer`, value: 'Yaxşılaşır, əlbəttə.' },
      { op: 'replace', path: `/interview/qa/${turn0!.id}/question`, value: 'Какие у вас прогнозы <на> 2026 год?' },
    ]);
    // The consumer that mirrors the story applies the patch to the item.published it got, and holds the edit's item.
    const [published] = await fanoutEvents('item.published');
    expect(applyItemChanges(published!.data, event!.changes!)).toEqual(event!.data);

    // The same job again (a worker died after storing): the stored story is already the edit, the patch is the same.
    await publish({ event: 'item.updated', item: edit });
    const events = await fanoutEvents();
    expect(events).toHaveLength(1);
    const again = await system.ctx.items.lastChange(first.id, `${edit.title}\u0000${edit.contentText}`);
    expect(again).toEqual(event!.changes);
  });
});
