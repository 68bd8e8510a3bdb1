/** How often a feed says it changes, read from the feed itself (the fetch stage's scheduler uses it as a floor). */

/** Minutes per `sy:updatePeriod` (RSS 1.0 Syndication module); a month and a year by their average length. */
const SY_PERIOD_MINUTES: Record<string, number> = { hourly: 60, daily: 1_440, weekly: 10_080, monthly: 43_830, yearly: 525_960 };

/**
 * The time between updates a feed announces with the Syndication module: `sy:updatePeriod` (default `daily`)
 * divided by `sy:updateFrequency` (default 1), in minutes. Null when the feed names neither, or names them wrongly.
 */
export function syndicationPeriodMinutes(period: string | null | undefined, frequency: string | null | undefined): number | null {
  const periodText = period?.trim().toLowerCase() || null;
  const frequencyText = frequency?.trim() || null;
  if (!periodText && !frequencyText) return null;
  const minutes = SY_PERIOD_MINUTES[periodText ?? 'daily'];
  const times = frequencyText === null ? 1 : Number(frequencyText);
  if (minutes === undefined || !Number.isFinite(times) || times <= 0) return null;
  return minutes / times;
}
