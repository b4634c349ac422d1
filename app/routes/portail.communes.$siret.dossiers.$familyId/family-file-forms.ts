import { z } from "zod";
import { oneOf, requiredText } from "~/forms/fields";
import { CONFIRMED_FIELD } from "~/portal/family-files/family-status";

/**
 * The forms of the family file page, told apart by their `intent` (one page, one action). Each
 * has its own schema; the French messages are the ones agents have always read.
 */

export const INTENTS = ["annoter", "prendre", "traiter", "refuser"] as const;
export type FamilyFileIntent = (typeof INTENTS)[number];

export const intentSchema = z.object({ intent: oneOf(INTENTS, "Action inconnue.") });

/** Longest note kept (parseForm already bounds every field to as much). */
export const MAX_ANNOTATION_LENGTH = 10_000;
/** Longest refusal's reason HubEE carries to the citizen. */
export const MAX_REFUSAL_LENGTH = 1000;

export const familyFileForms = {
  /** The private note: kept as typed (not trimmed), possibly emptied. */
  annoter: z.object({
    annotation: z
      .string({ error: "La note n’a pas pu être lue." })
      .max(MAX_ANNOTATION_LENGTH, "La note est trop longue (10 000 caractères au plus).")
      .default(""),
  }),
  prendre: z.object({}),
  /**
   * « Traité » is confirmed only by the field the confirmation's own form sends: a stray post closes
   * nothing and shows the confirmation instead (hence a boolean, not an error).
   */
  traiter: z.object({ [CONFIRMED_FIELD]: z.preprocess((value) => value === "1", z.boolean()) }),
  refuser: z.object({
    message: requiredText(
      "Indiquez au demandeur le motif du refus.",
      MAX_REFUSAL_LENGTH,
      "Le message est trop long (1 000 caractères au plus).",
    ),
  }),
} satisfies Record<FamilyFileIntent, z.ZodType>;
