import { Command, Option } from 'commander';
import { SyndicateError } from '../core/errors.js';
import { parseTime } from '../queues/failed-jobs.js';
import { JOB_QUEUES, type FailedFilter, type FailedJobView, type JobQueue } from './backend.js';
import { withBackend, withCommon, type CommonOptions } from './common-options.js';
import { print, printList, renderTable } from './output.js';

type RangeOptions = CommonOptions & { from?: string; to?: string; subscription?: string };
type ReplayOptions = RangeOptions & { job?: string };

/** `--from`, `--to` and (deliver only) `--subscription`: which failed jobs. */
function withRange(command: Command): Command {
  return command
    .option('--from <iso>', 'failed at or after (ISO 8601)')
    .option('--to <iso>', 'failed at or before (ISO 8601)')
    .option('--subscription <id>', 'deliver only: the dead letters of this subscription');
}

function filterOf(o: RangeOptions): FailedFilter {
  return { from: parseTime(o.from, '--from'), to: parseTime(o.to, '--to'), subscription: o.subscription };
}

/** The columns of a failed job for people: id, when, attempts, what (deliver: the subscription and event), why. */
const JOB_COLUMNS = ['JOB', 'FAILED AT', 'ATTEMPTS', 'WHAT', 'REASON'];
const jobRow = (j: FailedJobView): string[] => [
  j.jobId,
  j.failedAt ?? '-',
  String(j.attemptsMade),
  'subscriptionId' in j ? `${j.subscriptionId} ${j.eventType} ${j.storyId}` : j.name,
  j.reason.slice(0, 120),
];

/** Replays what the options name: `--job`, or a range (`--from` and `--to`, both required, so "everything" is deliberate). */
async function replay(queue: JobQueue, o: ReplayOptions): Promise<void> {
  const filter = filterOf(o);
  if (!o.job && (filter.from === undefined || filter.to === undefined))
    throw new SyndicateError('SYN_ERR_BAD_REQUEST', 'replay needs --job id, or --from and --to (ISO 8601)');
  const replayed = await withBackend(o, (backend) => backend.replayJobs(queue, o.job ? { job: o.job } : filter));
  print(
    o.json ?? false,
    { replayed },
    () => `replayed ${replayed.length} ${queue} job(s)\n${replayed.length ? renderTable(JOB_COLUMNS, replayed.map(jobRow)) : ''}`,
  );
}

const queueArgument = `one of ${JOB_QUEUES.join(', ')} (deliver: webhook dead letters)`;

/**
 * `jobs failed|replay <queue>`: the jobs that exhausted their attempts in normalize, dedup, publish or deliver —
 * kept, counted in `/metrics`, listed and put back to run with the same job id.
 */
export function jobsCommand(): Command {
  const jobs = new Command('jobs').description('failed jobs of a stage: list them, replay them');
  withRange(withCommon(jobs.command('failed').description('list the failed jobs of a queue, newest first')))
    .argument('<queue>', queueArgument)
    .option('--limit <n>', 'at most this many', '100')
    .action(async (name: string, o: RangeOptions & { limit: string }) => {
      const limit = Number(o.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new SyndicateError('SYN_ERR_BAD_REQUEST', `--limit: not a positive integer: ${o.limit}`);
      const found = await withBackend(o, (backend) => backend.failedJobs(jobQueue(name), filterOf(o), limit));
      printList(o.json ?? false, 'jobs', found, 'no failed jobs', JOB_COLUMNS, jobRow);
    });
  withRange(withCommon(jobs.command('replay').description('put failed jobs back to run: one (--job) or a range (--from and --to)')))
    .argument('<queue>', queueArgument)
    .option('--job <id>', 'the failed job to replay')
    .action(async (name: string, o: ReplayOptions) => replay(jobQueue(name), o));
  return jobs;
}

/** `replay`: webhook dead letters by default (as it always did), any stage's failed jobs with `--queue`. */
export function replayCommand(): Command {
  return withRange(withCommon(new Command('replay').description("replay failed webhook deliveries (dead letters) or, with --queue, any stage's failed jobs")))
    .option('--job <id>', 'the failed job (dead letter) to replay')
    .addOption(new Option('--queue <queue>', 'the queue').choices([...JOB_QUEUES]).default('deliver'))
    .action(async (o: ReplayOptions & { queue: JobQueue }) => replay(o.queue, { ...o, json: o.json ?? true }));
}

function jobQueue(name: string): JobQueue {
  if ((JOB_QUEUES as readonly string[]).includes(name)) return name as JobQueue;
  throw new SyndicateError('SYN_ERR_BAD_REQUEST', `unknown queue ${name}; one of ${JOB_QUEUES.join(', ')}`);
}
