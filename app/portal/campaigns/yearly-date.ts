/**
 * When a commune's yearly QF campaign runs. Pure functions on Paris calendar days
 * ("YYYY-MM-DD"), so the scheduler and its tests agree on dates whatever the host's zone.
 */

/** Today's date in Paris, "YYYY-MM-DD". */
export function parisDay(now = new Date()): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone: "Europe/Paris",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(now);
}

const pad = (n: number) => String(n).padStart(2, "0");

/**
 * The first working day of January: Monday to Friday, January 1st (a public holiday) excluded.
 * A commune that wants another day sets it in qf_campaign_schedules.
 */
export function firstWorkingDayOfJanuary(year: number): string {
  for (let day = 2; ; day++) {
    const weekday = new Date(Date.UTC(year, 0, day)).getUTCDay();
    if (weekday !== 0 && weekday !== 6) return `${year}-01-${pad(day)}`;
  }
}

/** The yearly campaign day of `year`: the commune's chosen day/month, or the default. */
export function yearlyCampaignDay(year: number, chosen: { day: number; month: number } | null): string {
  return chosen ? `${year}-${pad(chosen.month)}-${pad(chosen.day)}` : firstWorkingDayOfJanuary(year);
}
