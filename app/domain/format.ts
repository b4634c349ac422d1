import { birthdateParts } from "~/domain/pivot-identity";

/** French names of the months, lower case as French writes them inside a sentence. */
export const MONTH_NAMES_FR = [
  "janvier",
  "février",
  "mars",
  "avril",
  "mai",
  "juin",
  "juillet",
  "août",
  "septembre",
  "octobre",
  "novembre",
  "décembre",
] as const;

/** "septembre 2024": the wording of the PDF attestation, the portal and the journal alike. */
export const formatMonthYear = (mois: number, annee: number) => `${MONTH_NAMES_FR[mois - 1] ?? String(mois)} ${annee}`;

/** "24/08/1962", or "08/1962" / "1962" for presumed dates; the input unchanged if it is no date. */
export function formatBirthdateFr(birthdate: string): string {
  const parts = birthdateParts(birthdate);
  if (!parts) return birthdate;
  const pad = (n: number) => String(n).padStart(2, "0");
  const year = String(parts.year).padStart(4, "0");
  if (parts.month === null) return year;
  if (parts.day === null) return `${pad(parts.month)}/${year}`;
  return `${pad(parts.day)}/${pad(parts.month)}/${year}`;
}

export const providerLabel = (fournisseur: "CNAF" | "MSA") =>
  fournisseur === "CNAF" ? "CAF (Caisse d’allocations familiales)" : "MSA (Mutualité sociale agricole)";

/** API Particulier dates may be presumed (…-00): shown as the parts that are known. */
export const formatDateFr = (date: string) => formatBirthdateFr(date);

/** "4 270 €": French grouping, as in the CAF attestation. */
// One formatter for the process: building an Intl.NumberFormat costs more than formatting with it,
// and a list page formats a QF per row (4.5 % of a list page's CPU in the issue 20 profile).
const quotientNumber = new Intl.NumberFormat("fr-FR");
export const formatQuotient = (valeur: number) => `${quotientNumber.format(valeur)} €`;

export const genderLabel = (gender: "male" | "female") => (gender === "female" ? "Féminin" : "Masculin");
