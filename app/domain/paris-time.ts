/**
 * Dates as agents read and type them: in metropolitan French time, whatever
 * the server's timezone.
 */

const TIME_ZONE = "Europe/Paris";

const dateTimeFormat = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "short",
  timeStyle: "medium",
  timeZone: TIME_ZONE,
});
const dateFormat = new Intl.DateTimeFormat("fr-FR", {
  day: "numeric",
  month: "long",
  year: "numeric",
  timeZone: TIME_ZONE,
});

const timeFormat = new Intl.DateTimeFormat("fr-FR", { timeStyle: "medium", timeZone: TIME_ZONE });
const longDateTimeFormat = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: TIME_ZONE,
});

/** "14:03:27" */
export const formatTime = (date: Date) => timeFormat.format(date);
/** "15/01/2025 14:03:27" */
export const formatDateTime = (date: Date) => dateTimeFormat.format(date);
/** "15 janvier 2025" */
export const formatDate = (date: Date) => dateFormat.format(date);
/** "15 janvier 2025 à 14:03" */
export const formatLongDateTime = (date: Date) => longDateTimeFormat.format(date);

// Built once: an Intl.DateTimeFormat is costly to build, cheap to use.
const offsetFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** Minutes Paris is ahead of UTC at this instant (60 or 120). */
function parisOffsetMinutes(instant: number): number {
  const parts = offsetFormat.formatToParts(new Date(instant));
  const get = (type: string) => Number(parts.find((part) => part.type === type)?.value);
  const asUtc = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return Math.round((asUtc - instant) / 60_000);
}

/** The instant a "YYYY-MM-DD" day starts in Paris, or null for anything else. */
export function parisDayStart(day: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const utcMidnight = Date.UTC(year, month - 1, date);
  const check = new Date(utcMidnight);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== date) return null;
  // Twice: the offset at the guess may differ from the offset at the result around a DST change.
  let instant = utcMidnight - parisOffsetMinutes(utcMidnight) * 60_000;
  instant = utcMidnight - parisOffsetMinutes(instant) * 60_000;
  return new Date(instant);
}

/** The instant the day after "YYYY-MM-DD" starts in Paris (exclusive end of that day). */
export function parisDayEnd(day: string): Date | null {
  const start = parisDayStart(day);
  if (!start) return null;
  const next = new Date(Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10)) + 1));
  return parisDayStart(next.toISOString().slice(0, 10));
}

const dayFormat = new Intl.DateTimeFormat("en-CA", {
  timeZone: TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Today in Paris as "YYYY-MM-DD" (the day a tariff in force is read at). */
export const parisToday = (now = new Date()) => dayFormat.format(now);

/** "YYYY-MM-DD" as "01/09/2027". */
export const formatDay = (day: string) => `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}`;
