import { z } from "zod";
import { oneOf, optionalText } from "~/forms/fields";

/**
 * The yearly campaign day as the administrator sets it on the campaigns page: the commune's
 * default (no row), a date of theirs, or none. Not a .server module: the page's form reads the
 * same modes.
 */

export const SCHEDULE_MODES = ["defaut", "date", "aucune"] as const;
export type ScheduleMode = (typeof SCHEDULE_MODES)[number];

export interface CampaignSchedule {
  mode: ScheduleMode;
  /** Set in "date" mode only. */
  day: number | null;
  month: number | null;
}

const DAY_MESSAGE = "Saisissez un jour entre 1 et 28 (il doit exister chaque année).";
const MONTH_MESSAGE = "Choisissez un mois.";

/** A number of one or two digits, or null. */
const smallNumber = (value: string) => (/^\d{1,2}$/.test(value) ? Number(value) : null);

/**
 * The form's fields; days stop at 28 so that the date exists every year. The day and month are
 * read only for "date" (and only once the mode is valid, so a missing choice is the one message).
 */
export const campaignScheduleSchema = z
  .object({
    mode: oneOf(SCHEDULE_MODES, "Choisissez quand la mise à jour a lieu."),
    day: optionalText(10, DAY_MESSAGE),
    month: optionalText(10, MONTH_MESSAGE),
  })
  .transform(({ mode, day, month }, ctx): CampaignSchedule => {
    if (mode !== "date") return { mode, day: null, month: null };
    const dayNumber = smallNumber(day);
    const monthNumber = smallNumber(month);
    if (dayNumber === null || dayNumber < 1 || dayNumber > 28) {
      ctx.addIssue({ code: "custom", path: ["day"], message: DAY_MESSAGE });
    }
    if (monthNumber === null || monthNumber < 1 || monthNumber > 12) {
      ctx.addIssue({ code: "custom", path: ["month"], message: MONTH_MESSAGE });
    }
    return { mode, day: dayNumber, month: monthNumber };
  });
