import { z } from "zod";
import { isPlausibleEmail, normaliseEmail } from "./email-address";

/** Said under the address of an invitation form (the commune's agents, the platform administration). */
export const INVALID_INVITATION_EMAIL =
  "Saisissez une adresse électronique valide (exemple : prenom.nom@mairie-exemple.fr).";

/**
 * The address field of an invitation form, normalised as invitations key it. Checked here so the
 * field gets its French message; inviteAgent checks again for its other callers (DataPass).
 */
export const invitationEmail = () =>
  z
    .preprocess((value) => (typeof value === "string" ? value : ""), z.string())
    .transform(normaliseEmail)
    .refine(isPlausibleEmail, INVALID_INVITATION_EMAIL);
