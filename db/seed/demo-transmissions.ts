import { and, eq, inArray, like } from "drizzle-orm";
import type { Database } from "../client.ts";
import { collectivities, shipments } from "../schema/index.ts";
import { createShipment } from "../../app/citizen/shipments.server.ts";
import type { PivotIdentity } from "../../app/domain/pivot-identity.ts";
import type { QuotientFamilialData } from "../../app/domain/quotient-familial.ts";

/**
 * Demo transmissions: families of the demo communes "transmit" their QF at the first demo
 * start, through the real path (encrypted outbox → worker → HubEE simulator → the commune's
 * inbox polling → the portal), so an agent finds a realistic inbox a minute after `npm start`.
 *
 * Birth names start with SYNTH, the API Particulier simulator's synthetic population: it knows
 * every such identity, so the yearly QF update of the demo finds each family (with the QF the
 * simulator computes for the new year). Generated from a fixed seed: the same families at
 * every start, and idempotency keys make a restart a no-op.
 */

export const DEMO_TRANSMISSION_COUNTS: Record<string, number> = {
  "21490007900010": 48, // Angers
  "21250056300011": 14, // Besançon
};

const IDEMPOTENCY_PREFIX = "demo-transmission";

const SURNAMES = [
  "SYNTH-MARTIN",
  "SYNTH-LEFÈVRE",
  "SYNTH-GARNIER",
  "SYNTH-NGUYEN",
  "SYNTH-DA SILVA",
  "SYNTH-BENALI",
  "SYNTH-LE GOFF",
  "SYNTH-FAURE",
  "SYNTH-ROUSSEAU",
  "SYNTH-MOREAU",
  "SYNTH-TROIS-DUPRÉ",
  "SYNTH-ÉTIENNE",
];
const FIRST_NAMES = {
  female: ["Camille", "Léa", "Inès", "Chloé", "Manon", "Élodie", "Zoé", "Sarah"],
  male: ["Lucas", "Hugo", "Noé", "Raphaël", "Jules", "Adam", "Éthan", "Karim"],
} as const;
/** COG codes: mostly born in France, a few abroad (Spain, Morocco, Portugal). */
const BIRTHPLACES: Array<{ birthplace: string | null; birthcountry: string }> = [
  { birthplace: "49007", birthcountry: "99100" },
  { birthplace: "75107", birthcountry: "99100" },
  { birthplace: "69123", birthcountry: "99100" },
  { birthplace: "35238", birthcountry: "99100" },
  { birthplace: "25056", birthcountry: "99100" },
  { birthplace: "44109", birthcountry: "99100" },
  { birthplace: null, birthcountry: "99134" },
  { birthplace: null, birthcountry: "99350" },
  { birthplace: null, birthcountry: "99139" },
];
const STREETS = ["RUE DE LA RÉPUBLIQUE", "AVENUE JEAN JAURÈS", "RUE DES ÉCOLES", "BOULEVARD FOCH", "RUE DU MOULIN"];

/** mulberry32: a tiny deterministic generator, so the demo is the same on every machine. */
function seededRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]) => items[Math.floor(next() * items.length)]!,
  };
}

const pad = (value: number) => String(value).padStart(2, "0");

interface DemoFamily {
  pivotIdentity: PivotIdentity;
  quotientFamilial: QuotientFamilialData;
  externalId: string | null;
}

/** The n-th demo family of a commune: same input, same family. */
export function demoFamily(siret: string, index: number, now = new Date()): DemoFamily {
  const random = seededRandom(Number(siret.slice(0, 8)) * 1_000 + index);
  const gender = random.pick(["female", "male"] as const);
  const familyName = random.pick(SURNAMES);
  const firstName = random.pick(FIRST_NAMES[gender]);
  const secondName = random.pick(FIRST_NAMES[gender].filter((name) => name !== firstName));
  const givenNames = random.int(0, 2) === 0 ? [firstName, secondName] : [firstName];
  const birthYear = random.int(1972, 1998);
  // One in ten has a presumed birth date (unknown day), as civil status sometimes has.
  const birthdate = `${birthYear}-${pad(random.int(1, 12))}-${random.int(0, 9) === 0 ? "00" : pad(random.int(1, 28))}`;
  const place = random.pick(BIRTHPLACES);
  const pivotIdentity: PivotIdentity = { familyName, givenNames, gender, birthdate, ...place };

  const sexe = gender === "female" ? "F" : "M";
  const allocataire = {
    nom_naissance: familyName,
    nom_usage: null,
    prenoms: givenNames.join(" ").toUpperCase(),
    date_naissance: birthdate,
    sexe,
  } as const;
  const enfants = Array.from({ length: random.int(0, 4) }, () => {
    const childGender = random.pick(["F", "M"] as const);
    return {
      nom_naissance: familyName,
      nom_usage: null,
      prenoms: random.pick(childGender === "F" ? FIRST_NAMES.female : FIRST_NAMES.male).toUpperCase(),
      date_naissance: `${random.int(2008, 2024)}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}`,
      sexe: childGender,
    };
  });
  // QF in euros, spread over the usual tariff brackets; the period is last month's.
  const period = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const quotientFamilial: QuotientFamilialData = {
    allocataires: [allocataire],
    enfants,
    adresse: {
      destinataire: `${sexe === "F" ? "MADAME" : "MONSIEUR"} ${givenNames[0]!.toUpperCase()} ${familyName}`,
      complement_information: null,
      complement_information_geographique: null,
      numero_libelle_voie: `${random.int(1, 120)} ${random.pick(STREETS)}`,
      lieu_dit: null,
      code_postal_ville: siret === "21490007900010" ? "49000 ANGERS" : "25000 BESANCON",
      pays: "FRANCE",
    },
    quotient_familial: {
      fournisseur: random.int(0, 9) === 0 ? "MSA" : "CNAF",
      valeur: random.int(180, 2_400),
      annee: period.getUTCFullYear(),
      mois: period.getUTCMonth() + 1,
      annee_calcul: period.getUTCFullYear(),
      mois_calcul: period.getUTCMonth() + 1,
    },
  };
  const externalId = random.int(0, 2) === 0 ? `FAM-${siret.slice(0, 5)}-${pad(index)}` : null;
  return { pivotIdentity, quotientFamilial, externalId };
}

/**
 * Queues the demo transmissions once per commune (idempotent). Returns how many were queued
 * by this call; the worker delivers them.
 */
export async function seedDemoTransmissions(db: Database, encryptionKey: Buffer): Promise<number> {
  const communes = await db
    .select()
    .from(collectivities)
    .where(inArray(collectivities.siret, Object.keys(DEMO_TRANSMISSION_COUNTS)));
  let queued = 0;
  for (const collectivity of communes) {
    const [already] = await db
      .select({ id: shipments.id })
      .from(shipments)
      .where(
        and(eq(shipments.collectivityId, collectivity.id), like(shipments.idempotencyKey, `${IDEMPOTENCY_PREFIX}-%`)),
      )
      .limit(1);
    if (already) continue;
    const count = DEMO_TRANSMISSION_COUNTS[collectivity.siret] ?? 0;
    for (let index = 1; index <= count; index++) {
      await createShipment(db, encryptionKey, {
        collectivity,
        ...demoFamily(collectivity.siret, index),
        idempotencyKey: `${IDEMPOTENCY_PREFIX}-${collectivity.siret}-${index}`,
      });
      queued++;
    }
  }
  return queued;
}
