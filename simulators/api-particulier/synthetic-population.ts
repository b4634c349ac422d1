import type { Civility } from "./civility-validation.ts";
import { identityKey, normalizeName } from "./identity-key.ts";
import type { QfPeriod } from "./qf-period.ts";
import type { QfAdresse, QfPerson, QfSuccessBody } from "./qf-data.ts";
import { SeededRandom, seedFrom } from "./seeded-random.ts";

/**
 * Any identity whose `nomNaissance` starts with this prefix (case-insensitive) is an
 * allocataire of the synthetic population: large tests and benchmarks can make up as
 * many families as they need (SYNTH00001, SYNTH-MARTIN…) without fixtures.
 */
export const SYNTHETIC_PREFIX = "SYNTH";

export function isSyntheticName(nomNaissance: string | undefined): boolean {
  return normalizeName(nomNaissance).startsWith(SYNTHETIC_PREFIX);
}

const FIRST_NAMES = {
  F: ["MARIE", "CAMILLE", "LÉA", "CHLOÉ", "INÈS", "JADE", "LOUISE", "EMMA", "SARAH", "MANON", "ZOÉ", "ALICE"],
  M: ["LUCAS", "HUGO", "LOUIS", "GABRIEL", "ARTHUR", "JULES", "ADAM", "NATHAN", "RAPHAËL", "TOM", "NOÉ", "ÉTHAN"],
} as const;
const SURNAMES = ["BERNARD", "PETIT", "ROBERT", "RICHARD", "DURAND", "LEROY", "MOREAU", "SIMON", "LAURENT", "GARNIER"];
const STREETS = [
  "RUE DE LA RÉPUBLIQUE",
  "AVENUE JEAN JAURÈS",
  "RUE VICTOR HUGO",
  "BOULEVARD GAMBETTA",
  "RUE DES ÉCOLES",
  "PLACE DE LA MAIRIE",
  "CHEMIN DES VIGNES",
  "RUE DU MOULIN",
];
const TOWNS = [
  "49000 ANGERS",
  "25000 BESANÇON",
  "64000 PAU",
  "20000 AJACCIO",
  "35000 RENNES",
  "75011 PARIS",
  "69003 LYON",
];
const CHILDREN_COUNT_WEIGHTS = [20, 25, 30, 15, 7, 3];
/** Children's birth years are capped here, not at "now", so a family never changes over time. */
const LATEST_CHILD_BIRTH_YEAR = 2025;

/**
 * The family of a synthetic identity. The family (allocataires, enfants, adresse,
 * provider) depends only on the identity (see identityKey); the QF value also depends
 * on the requested year, so yearly-update jobs see it change. No clock, no Math.random:
 * the same call always returns the same body.
 */
export function syntheticFamily(civility: Civility, period: QfPeriod): QfSuccessBody {
  const key = identityKey({
    nomNaissance: civility.nomNaissance,
    prenoms: civility.prenoms,
    sexeEtatCivil: civility.sexe,
    anneeDateNaissance: civility.birth.year?.toString(),
    moisDateNaissance: civility.birth.month?.toString(),
    jourDateNaissance: civility.birth.day?.toString(),
  });
  const random = new SeededRandom(key);
  const nom = civility.nomNaissance.toUpperCase();
  const birthYear = civility.birth.year ?? random.int(1960, 1995);
  const applicant: QfPerson = {
    nom_naissance: nom,
    nom_usage: civility.nomUsage ? civility.nomUsage.toUpperCase() : null,
    prenoms: civility.prenoms.join(" ").toUpperCase(),
    date_naissance: isoDate(
      birthYear,
      civility.birth.month ?? random.int(1, 12),
      civility.birth.day ?? random.int(1, 28),
    ),
    sexe: civility.sexe,
  };
  const allocataires = [applicant];
  if (random.chance(0.55)) allocataires.push(partner(random, civility.sexe, birthYear));
  const enfants = children(random, nom, birthYear);
  const fournisseur = random.chance(0.85) ? "CNAF" : "MSA";
  const baseValue = random.int(150, 2500);
  return {
    data: {
      allocataires,
      enfants,
      adresse: address(random, applicant),
      quotient_familial: {
        fournisseur,
        valeur: yearlyValue(key, baseValue, period.annee),
        annee: period.annee,
        mois: period.mois,
        annee_calcul: period.annee,
        mois_calcul: period.mois,
      },
    },
    links: {},
    meta: {},
  };
}

/**
 * base + 15 × ((7 × year + s) mod 13): a different value every year (7 is invertible
 * mod 13, so consecutive years never share a step) that stays close to the family's
 * base, like a real QF that moves with yearly income.
 */
function yearlyValue(key: string, base: number, year: number): number {
  const offset = seedFrom(`${key}|qf`) % 13;
  return base + 15 * ((7 * year + offset) % 13) - 90;
}

function partner(random: SeededRandom, applicantSex: "M" | "F", applicantBirthYear: number): QfPerson {
  const sexe = applicantSex === "F" ? "M" : "F";
  return {
    nom_naissance: random.pick(SURNAMES),
    nom_usage: null,
    prenoms: random.pick(FIRST_NAMES[sexe]),
    date_naissance: isoDate(applicantBirthYear + random.int(-6, 6), random.int(1, 12), random.int(1, 28)),
    sexe,
  };
}

function children(random: SeededRandom, nom: string, parentBirthYear: number): QfPerson[] {
  const total = CHILDREN_COUNT_WEIGHTS.reduce((a, b) => a + b, 0);
  let roll = random.int(1, total);
  let count = 0;
  while (roll > (CHILDREN_COUNT_WEIGHTS[count] ?? Infinity)) roll -= CHILDREN_COUNT_WEIGHTS[count++] ?? 0;
  const earliest = Math.min(parentBirthYear + 18, LATEST_CHILD_BIRTH_YEAR);
  return Array.from({ length: count }, () => {
    const sexe = random.chance(0.5) ? "F" : "M";
    return {
      nom_naissance: nom,
      nom_usage: null,
      prenoms: random.pick(FIRST_NAMES[sexe]),
      date_naissance: isoDate(
        random.int(earliest, Math.min(earliest + 20, LATEST_CHILD_BIRTH_YEAR)),
        random.int(1, 12),
        random.int(1, 28),
      ),
      sexe,
    };
  });
}

function address(random: SeededRandom, applicant: QfPerson): QfAdresse {
  const firstName = applicant.prenoms.split(" ")[0] ?? "";
  return {
    destinataire: `${applicant.sexe === "F" ? "Madame" : "Monsieur"} ${applicant.nom_naissance} ${firstName}`,
    complement_information: null,
    complement_information_geographique: random.chance(0.2) ? `BÂTIMENT ${random.pick(["A", "B", "C"])}` : null,
    numero_libelle_voie: `${random.int(1, 199)} ${random.pick(STREETS)}`,
    lieu_dit: null,
    code_postal_ville: random.pick(TOWNS),
    pays: "FRANCE",
  };
}

function isoDate(year: number, month: number, day: number): string {
  return `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
}
