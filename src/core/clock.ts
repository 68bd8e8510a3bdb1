/** The clock as an adapter, so pure code takes time as an argument and tests can pin it. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
