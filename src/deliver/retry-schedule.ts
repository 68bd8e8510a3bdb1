/**
 * Delay before retry number `attemptsMade` (1 = the first retry), from the configured schedule, spread by
 * ±`jitter` so that many failed deliveries do not all return at once. `random` is injected to keep this pure.
 */
export function retryDelay(schedule: number[], attemptsMade: number, jitter: number, random: () => number = Math.random): number {
  const base = schedule[Math.min(attemptsMade, schedule.length) - 1] ?? 0;
  return Math.max(0, Math.round(base * (1 + jitter * (2 * random() - 1))));
}
