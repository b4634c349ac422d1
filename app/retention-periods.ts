/*
 * Not a .server module: the personal data page renders these numbers in the browser too, and
 * the jobs enforce the same constants, so the page cannot drift from what the code does.
 */

/** Citizen form: the encrypted payload is erased once HubEE has it, and at the latest after this. */
export const CITIZEN_PAYLOAD_RETENTION_DAYS = 90;
/** Citizen form: HubEE ids of a shipment, kept to follow the case until its final status, then this long. */
export const CITIZEN_HUBEE_IDS_RETENTION_DAYS = 30;

/** Commune portal: a family file without any new QF for this many years is deleted, unless the commune chose otherwise. */
export const FAMILY_FILE_RETENTION_DEFAULT_YEARS = 2;
/** The bounds an administrator may choose within (also a CHECK of data_retention_settings). */
export const FAMILY_FILE_RETENTION_MIN_YEARS = 1;
export const FAMILY_FILE_RETENTION_MAX_YEARS = 6;

/** Citizens' marker cookie (nothing about them in it): how long it remembers that a journey started. */
export const JOURNEY_MARKER_HOURS = 24;

/** Agents' sessions end after this much inactivity, and at the latest this long after login. */
export const AGENT_SESSION_IDLE_MINUTES = 30;
export const AGENT_SESSION_MAX_HOURS = 12;

/** Outgoing webhook events (their body carries family data), once every delivery is final. */
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

/** Background export files of family files. */
export const EXPORT_FILE_RETENTION_HOURS = 24;

/** "2 ans", "1 an": how the portal and the personal data page write a number of years. */
export const formatYears = (years: number) => `${years} an${years > 1 ? "s" : ""}`;
