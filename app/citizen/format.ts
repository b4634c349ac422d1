import { monthYearFr } from "./payload/pdf-text";
import { formatBirthdateFr } from "./pivot-identity";

/** "septembre 2024": the same wording as the PDF attestation. */
export const formatMonthYear = monthYearFr;

export const providerLabel = (fournisseur: "CNAF" | "MSA") =>
  fournisseur === "CNAF" ? "CAF (Caisse d’allocations familiales)" : "MSA (Mutualité sociale agricole)";

/** API Particulier dates may be presumed (…-00): shown as the parts that are known. */
export const formatDateFr = (date: string) => formatBirthdateFr(date);

/** "4 270 €": French grouping, as in the CAF attestation. */
export const formatQuotient = (valeur: number) => `${new Intl.NumberFormat("fr-FR").format(valeur)} €`;

export const genderLabel = (gender: "male" | "female") => (gender === "female" ? "Féminin" : "Masculin");
