import type { QuotientFamilialData, QuotientFamilialPerson } from "~/domain/quotient-familial";
import type { ShipmentData } from "./types";

/**
 * The document communes' software already parses, as the national form (etalab/formulaire-qf,
 * ShipmentData#to_h) builds it: FormulaireQF.json and FormulaireQF.xml are two serialisations of
 * it. Key order is the reference's, byte for byte (golden.test.ts); JSON parsers do not care,
 * line-by-line readers of the XML might.
 */

/**
 * The FranceConnect claims as the reference forwards them: sliced in this order (its
 * setup_current_data.rb), which is the order communes' software has always received.
 */
export interface PivotIdentityDocument {
  birthcountry: string;
  /** Possibly presumed: YYYY-MM-00 / YYYY-00-00. */
  birthdate: string;
  /** Empty for people born abroad, as FranceConnect sends it. */
  birthplace: string;
  family_name: string;
  /** All first names, space-separated, as FranceConnect sends them. */
  given_name: string;
  gender: "male" | "female";
}

/** The legacy API Particulier v2 shape of a person: dates split into strings ("08", "00" if unknown). */
export interface PersonV2 {
  nomNaissance: string;
  nomUsuel: string | null;
  prenoms: string;
  anneeDateDeNaissance: string;
  moisDateDeNaissance: string;
  jourDateDeNaissance: string;
  sexe: "F" | "M";
}

/** The legacy v2 block, kept for integrations written against API Particulier v2. */
export interface QuotientFamilialV2 {
  /** "CNAF" or "MSA" (v3's `fournisseur`); null when the API gave no QF. */
  regime: "CNAF" | "MSA" | null;
  allocataires: PersonV2[];
  enfants: PersonV2[];
  quotientFamilial: number | null;
  annee: number | null;
  mois: number | null;
  version: "v2";
}

export interface FormulaireQfDocument {
  external_id: string | null;
  pivot_identity: PivotIdentityDocument;
  /** API Particulier's `data` as received (keys it left out stay out), plus the version. */
  quotient_familial_v3: QuotientFamilialData & { version: "v3" };
  quotient_familial: QuotientFamilialV2;
}

export function formulaireQfDocument(data: ShipmentData): FormulaireQfDocument {
  const identity = data.pivotIdentity;
  return {
    external_id: data.externalId,
    pivot_identity: {
      birthcountry: identity.birthcountry,
      birthdate: identity.birthdate,
      birthplace: identity.birthplace ?? "",
      family_name: identity.familyName,
      given_name: identity.givenNames.join(" "),
      gender: identity.gender,
    },
    // The reference appends the version to API Particulier's data, after its keys (in the API's
    // order, unknown ones included: see domain/quotient-familial.ts).
    quotient_familial_v3: { ...data.quotientFamilial, version: "v3" },
    quotient_familial: toV2(data.quotientFamilial),
  };
}

/**
 * The reference derives v2 from v3 this way (ShipmentData#convert_quotient_familial_v2), key order
 * included. It would crash on a response without QF; we write nulls so the commune still gets the rest.
 */
function toV2(qf: QuotientFamilialData): QuotientFamilialV2 {
  return {
    regime: qf.quotient_familial?.fournisseur ?? null,
    allocataires: (qf.allocataires ?? []).map(personToV2),
    enfants: (qf.enfants ?? []).map(personToV2),
    quotientFamilial: qf.quotient_familial?.valeur ?? null,
    annee: qf.quotient_familial?.annee ?? null,
    mois: qf.quotient_familial?.mois ?? null,
    version: "v2",
  };
}

function personToV2(person: QuotientFamilialPerson): PersonV2 {
  const date = person.date_naissance; // YYYY-MM-DD (validated): fixed positions, as the reference slices it
  return {
    nomNaissance: person.nom_naissance,
    nomUsuel: person.nom_usage ?? null,
    prenoms: person.prenoms,
    anneeDateDeNaissance: date.slice(0, 4),
    moisDateDeNaissance: date.slice(5, 7),
    jourDateDeNaissance: date.slice(8, 10),
    sexe: person.sexe,
  };
}
