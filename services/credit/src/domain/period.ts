/** China Standard Time has no daylight saving: periods are calendar years at UTC+8. */
const CST_OFFSET_MS = 8 * 60 * 60 * 1000;

export interface Period {
  /** `2026`. */
  id: string;
  start: Date;
  /** Exclusive. */
  end: Date;
}

/** The annual evaluation period (评价周期) of a moment, in China Standard Time. */
export function periodOf(at: Date): Period {
  const year = new Date(at.getTime() + CST_OFFSET_MS).getUTCFullYear();
  return periodById(String(year));
}

export function periodById(id: string): Period {
  if (!/^\d{4}$/.test(id)) throw new RangeError(`a period is a year such as 2026, not ${JSON.stringify(id)}`);
  const year = Number(id);
  return { id, start: new Date(Date.UTC(year, 0, 1) - CST_OFFSET_MS), end: new Date(Date.UTC(year + 1, 0, 1) - CST_OFFSET_MS) };
}

export function inPeriod(period: Period, at: Date): boolean {
  return at.getTime() >= period.start.getTime() && at.getTime() < period.end.getTime();
}

/** The same moment `months` calendar months later (end of month clamps: 31 Jan + 1 → 28/29 Feb). */
export function addMonths(at: Date, months: number): Date {
  const local = new Date(at.getTime() + CST_OFFSET_MS);
  const target = new Date(local.getTime());
  target.setUTCDate(1);
  target.setUTCMonth(target.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(local.getUTCDate(), lastDay));
  return new Date(target.getTime() - CST_OFFSET_MS);
}

/** The CST calendar date of a moment, `YYYY-MM-DD`, for comparing with rulesets' effective dates. */
export function cstDate(at: Date): string {
  return new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 10);
}
