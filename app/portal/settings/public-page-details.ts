import { isPlausibleEmail, normaliseEmail } from "../access/email-address";

/** The contact details of a commune's public page, as its administrator enters them. */
export interface PublicPageDetails {
  contactEmail: string | null;
  contactPhone: string | null;
  website: string | null;
}

/** Shown as typed on the public page: room for any real number or address, not for a paragraph. */
const MAX_PHONE_LENGTH = 25;
const MAX_WEBSITE_LENGTH = 200;

export type PublicPageParse =
  { ok: true; details: PublicPageDetails } | { ok: false; errors: Partial<Record<keyof PublicPageDetails, string>> };

export function parsePublicPageDetails(input: {
  contactEmail: string;
  contactPhone: string;
  website: string;
}): PublicPageParse {
  const errors: Partial<Record<keyof PublicPageDetails, string>> = {};
  const contactEmail = input.contactEmail.trim() ? normaliseEmail(input.contactEmail) : null;
  if (contactEmail && !isPlausibleEmail(contactEmail)) {
    errors.contactEmail = "Saisissez une adresse électronique valide (exemple : accueil@mairie-exemple.fr).";
  }
  // Spaces, dots and dashes are how people write numbers; what matters is 10 digits or an international +.
  const phone = input.contactPhone.trim();
  const digits = phone.replace(/[\s.\-()]/g, "");
  if (phone && (phone.length > MAX_PHONE_LENGTH || !/^(?:0[1-9][0-9]{8}|\+[1-9][0-9]{6,14})$/.test(digits))) {
    errors.contactPhone = "Saisissez un numéro à 10 chiffres (exemple : 02 41 05 40 00) ou au format international.";
  }
  let website: string | null = null;
  if (input.website.trim().length > MAX_WEBSITE_LENGTH) {
    errors.website = `L’adresse du site ne doit pas dépasser ${MAX_WEBSITE_LENGTH} caractères.`;
  } else if (input.website.trim()) {
    try {
      const url = new URL(input.website.trim());
      if (url.protocol !== "https:") throw new Error("not https");
      website = url.href;
    } catch {
      errors.website = "Saisissez l’adresse complète du site, en https:// (exemple : https://www.mairie-exemple.fr).";
    }
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, details: { contactEmail, contactPhone: phone || null, website } };
}
