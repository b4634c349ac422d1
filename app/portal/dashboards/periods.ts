import { parisDayStart } from "../../domain/paris-time";

/**
 * The calendar buckets of the dashboards, in Paris time like everything agents read. Keys are
 * what SQL produces with to_char(… at time zone 'Europe/Paris'), so query rows drop into them.
 */

export interface Bucket {
  /** "2026-11" for a month, "2026-11-26" for a day. */
  key: string;
  /** For the table and screen readers: "novembre 2026", "26/11/2026". */
  label: string;
  /** Under the bar: "nov.", "26/11". */
  axisLabel: string;
}

const parisParts = (now: Date) => {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Europe/Paris",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).formatToParts(now);
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  return { year: get("year"), month: get("month"), day: get("day") };
};

const pad = (n: number) => String(n).padStart(2, "0");
const monthLong = new Intl.DateTimeFormat("fr-FR", { month: "long", year: "numeric", timeZone: "UTC" });
const monthShort = new Intl.DateTimeFormat("fr-FR", { month: "short", timeZone: "UTC" });

/** The `count` months ending with the current one, oldest first, and the instant the first starts. */
export function lastMonths(now: Date, count: number): { buckets: Bucket[]; since: Date } {
  const { year, month } = parisParts(now);
  const buckets: Bucket[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const date = new Date(Date.UTC(year, month - 1 - back, 1));
    buckets.push({
      key: `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}`,
      label: monthLong.format(date),
      axisLabel: monthShort.format(date),
    });
  }
  return { buckets, since: parisDayStart(`${buckets[0]!.key}-01`)! };
}

/** The `count` days ending with today, oldest first, and the instant the first starts. */
export function lastDays(now: Date, count: number): { buckets: Bucket[]; since: Date } {
  const { year, month, day } = parisParts(now);
  const buckets: Bucket[] = [];
  for (let back = count - 1; back >= 0; back--) {
    const date = new Date(Date.UTC(year, month - 1, day - back));
    const [y, m, d] = [date.getUTCFullYear(), pad(date.getUTCMonth() + 1), pad(date.getUTCDate())];
    buckets.push({ key: `${y}-${m}-${d}`, label: `${d}/${m}/${y}`, axisLabel: `${d}/${m}` });
  }
  return { buckets, since: parisDayStart(buckets[0]!.key)! };
}
