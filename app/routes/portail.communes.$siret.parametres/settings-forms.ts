import { z } from "zod";
import { optionalText, requiredText } from "~/forms/fields";
import { MAX_FIELD_LENGTH } from "~/forms/parse-form";
import { parseRedirectOrigins } from "~/portal/access/redirect-origins";
import { isCredentialText } from "~/portal/settings/credential-characters";
import { parsePublicPageDetails } from "~/portal/settings/public-page-details";

/**
 * The settings page's four forms, one schema each. The typed secrets (HubEE secret, API Particulier
 * token) are listed in SECRET_FIELDS: parseForm never sends them back to the page.
 */

export type Section = "hubee" | "apiParticulier" | "origins" | "publicPage";

const SECTION_OF_INTENT = new Map<unknown, Section>([
  ["save-hubee", "hubee"],
  ["test-hubee", "hubee"],
  ["save-api-particulier", "apiParticulier"],
  ["test-api-particulier", "apiParticulier"],
  ["save-origins", "origins"],
  ["save-public-page", "publicPage"],
]);

/** The section a button's intent belongs to; null for anything else (a forged form). */
export const sectionOf = (intent: unknown): Section | null => SECTION_OF_INTENT.get(intent) ?? null;

export const SECRET_FIELDS = ["hubeeSiSecret", "apiParticulierToken"] as const;

const text = () => z.preprocess((value) => (typeof value === "string" ? value : ""), z.string().trim());

const UNSAFE_CHARACTERS =
  "contient un espace, un caractère invisible ou un caractère accentué : copiez-le de nouveau en entier, sans espace ni retour à la ligne.";

/** Left empty, the secret stays as stored (the page never shows it, so empty means "unchanged"). */
export const hubeeForm = z.object({
  intent: z.enum(["save-hubee", "test-hubee"]),
  hubeeSiClientId: requiredText(
    "Saisissez l’identifiant client HubEE de la commune.",
    200,
    "Cet identifiant est trop long.",
  ).refine(isCredentialText, `Cet identifiant ${UNSAFE_CHARACTERS}`),
  hubeeSiSecret: optionalText(MAX_FIELD_LENGTH).refine(isCredentialText, `Ce secret ${UNSAFE_CHARACTERS}`),
});

const TOKEN_FORMAT = "Ce jeton n’a pas le bon format : copiez-le en entier, sans espace.";

/** Saving needs a token; testing may use the stored one. */
export const apiParticulierForm = z
  .object({
    intent: z.enum(["save-api-particulier", "test-api-particulier"]),
    apiParticulierToken: optionalText(1000, TOKEN_FORMAT).refine(isCredentialText, `Ce jeton ${UNSAFE_CHARACTERS}`),
  })
  .superRefine(({ intent, apiParticulierToken }, ctx) => {
    if (intent === "save-api-particulier" && !apiParticulierToken) {
      ctx.addIssue({
        code: "custom",
        path: ["apiParticulierToken"],
        message: "Saisissez le jeton API Particulier de la commune.",
      });
    }
  });

/** The commune's website origins, one per line; http:// only in demonstration. */
export const originsForm = ({ allowHttp }: { allowHttp: boolean }) =>
  z.object({
    redirectOrigins: z
      .preprocess((value) => (typeof value === "string" ? value : ""), z.string())
      .transform((input, ctx) => {
        const parsed = parseRedirectOrigins(input, { allowHttp });
        if (parsed.ok) return parsed.origins;
        ctx.addIssue({ code: "custom", message: parsed.error });
        return z.NEVER;
      }),
  });

/** The contact details of the public page, each optional, normalised as parsePublicPageDetails does. */
export const publicPageForm = z
  .object({ contactEmail: text(), contactPhone: text(), website: text() })
  .transform((input, ctx) => {
    const parsed = parsePublicPageDetails(input);
    if (parsed.ok) return parsed.details;
    for (const [field, message] of Object.entries(parsed.errors)) {
      ctx.addIssue({ code: "custom", path: [field], message });
    }
    return z.NEVER;
  });
