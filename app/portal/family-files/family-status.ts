import type { FamilyFileStatus } from "../../../db/schema/family-files.ts";

/**
 * The agent's actions and HubEE's case life cycle (specs §3):
 * SI_RECEIVED → IN_PROGRESS → DONE | REFUSED. A refusal is only possible once the file is taken
 * in charge, as HubEE refuses SI_RECEIVED → REFUSED.
 */
export const STATUS_ACTIONS = {
  prendre: {
    from: "received",
    to: "in_progress",
    hubeeFrom: "SI_RECEIVED",
    hubeeTo: "IN_PROGRESS",
    label: "Prendre en charge",
  },
  traiter: { from: "in_progress", to: "done", hubeeFrom: "IN_PROGRESS", hubeeTo: "DONE", label: "Traité" },
  refuser: { from: "in_progress", to: "refused", hubeeFrom: "IN_PROGRESS", hubeeTo: "REFUSED", label: "Refuser" },
} as const satisfies Record<
  string,
  { from: FamilyFileStatus; to: FamilyFileStatus; hubeeFrom: string; hubeeTo: string; label: string }
>;
export type StatusAction = keyof typeof STATUS_ACTIONS;

/**
 * « Traité » closes the file with one button and HubEE has no way back from DONE, so it is confirmed
 * first (a page of its own, to work without JavaScript). « Refuser » needs no such step: its reason
 * must be typed. The query that shows the confirmation (`?confirmer=traite`), and the field its own
 * form sends: a post without it closes nothing.
 */
export const CONFIRMATION_PARAM = "confirmer";
export const CONFIRMATION_VALUE = "traite";
export const CONFIRMED_FIELD = "confirm";
