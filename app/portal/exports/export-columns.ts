import type { FamilyAddress, FamilyFileStatus, FamilyMember, FamilyMembers } from "../../../db/schema/family-files.ts";
import { STATUS_LABELS } from "../dossiers/dossier-list-query";
import { bracketFor, type TariffBracket } from "../settings/tariff-brackets";
import { centsToInput } from "~/domain/pricing/money";
import { priceCents } from "~/domain/pricing/price";
import { UNIT_LABELS, type PriceRule, type ServiceUnit } from "~/domain/pricing/rules";

/**
 * THE list of export columns: every format (CSV, XLSX, ODS) writes these, in this order, and
 * README's "Exports" table documents them. Add or change a column here and nowhere else.
 */

/** One family file as the export reads it (one batch row; see export-source.server.ts). */
export interface ExportFamily {
  id: string;
  reference: string | null;
  receivedAt: Date;
  status: FamilyFileStatus;
  familyName: string | null;
  givenNames: string | null;
  birthdate: string | null;
  qfValue: number | null;
  qfAnnee: number | null;
  qfMois: number | null;
  qfProvider: "CNAF" | "MSA" | null;
  qfUpdatedAt: Date | null;
  /** The QF value before the latest one (qf_history), to show the change. */
  previousQfValue: number | null;
  members: FamilyMembers;
  address: FamilyAddress | null;
  childrenCount: number;
  externalId: string | null;
}

export interface ExportContext {
  /** The commune's tariff brackets; empty when it defined none. */
  brackets: readonly TariffBracket[];
  /** Each service's published rule in force on the export's day (services without one are left out). */
  tariffs: readonly { name: string; unit: ServiceUnit; rule: PriceRule }[];
}

/**
 * A cell: text, an integer, or a calendar day as "YYYY-MM-DD" (`date` columns). A birth date
 * may be partly unknown ("1980-00-00"): writers then write it as text, "00/00/1980".
 */
export type CellValue = string | number | null;
export type ColumnType = "text" | "integer" | "date" | "cents";

export interface ExportColumn<Row> {
  key: string;
  /** Header cell, in French. */
  header: string;
  type: ColumnType;
  /** Spreadsheet column width, in characters. */
  width: number;
  /** For README: what the column holds. */
  description: string;
  value(row: Row, context: ExportContext): CellValue;
}

const parisDay = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });
/** "YYYY-MM-DD" of an instant, in Paris (the agents' calendar). */
export const parisDayOf = (date: Date) => parisDay.format(date);

const PROVIDER_LABELS = { CNAF: "CAF", MSA: "MSA" } as const;

const allocataire = (row: ExportFamily, index: number): FamilyMember | undefined => row.members.allocataires[index];

function addressLines(address: FamilyAddress | null): string | null {
  if (!address) return null;
  const lines = [
    address.complement_information,
    address.complement_information_geographique,
    address.numero_libelle_voie,
    address.lieu_dit,
  ].filter((line): line is string => Boolean(line && line.trim()));
  return lines.length > 0 ? lines.join(", ") : null;
}

function allocataireColumns(index: number): ExportColumn<ExportFamily>[] {
  const n = index + 1;
  return [
    {
      key: `allocataire${n}NomNaissance`,
      header: `Allocataire ${n} : nom de naissance`,
      type: "text",
      width: 22,
      description: `Nom de naissance du ${n === 1 ? "premier" : "second"} allocataire (API Particulier)`,
      value: (row) => allocataire(row, index)?.nom_naissance ?? null,
    },
    {
      key: `allocataire${n}NomUsage`,
      header: `Allocataire ${n} : nom d’usage`,
      type: "text",
      width: 20,
      description: "Nom d’usage, s’il y en a un",
      value: (row) => allocataire(row, index)?.nom_usage ?? null,
    },
    {
      key: `allocataire${n}Prenoms`,
      header: `Allocataire ${n} : prénoms`,
      type: "text",
      width: 22,
      description: "Prénoms, séparés par des espaces",
      value: (row) => allocataire(row, index)?.prenoms ?? null,
    },
    {
      key: `allocataire${n}DateNaissance`,
      header: `Allocataire ${n} : date de naissance`,
      type: "date",
      width: 14,
      description: "JJ/MM/AAAA (00 pour une partie inconnue)",
      value: (row) => allocataire(row, index)?.date_naissance ?? null,
    },
  ];
}

export const FAMILY_COLUMNS: ExportColumn<ExportFamily>[] = [
  {
    key: "reference",
    header: "Référence",
    type: "text",
    width: 16,
    description: "Référence de la dernière transmission (13 caractères), celle que la famille connaît",
    value: (row) => row.reference,
  },
  {
    key: "recuLe",
    header: "Reçu le",
    type: "date",
    width: 12,
    description: "Date de réception de la dernière transmission (heure de Paris)",
    value: (row) => parisDayOf(row.receivedAt),
  },
  {
    key: "statut",
    header: "Statut",
    type: "text",
    width: 12,
    description: "À traiter, En cours, Traité, Refusé ou Erreur",
    value: (row) => STATUS_LABELS[row.status],
  },
  {
    key: "nom",
    header: "Nom du demandeur",
    type: "text",
    width: 22,
    description: "Nom de naissance de la personne qui a transmis (identité FranceConnect)",
    value: (row) => row.familyName,
  },
  {
    key: "prenoms",
    header: "Prénoms du demandeur",
    type: "text",
    width: 24,
    description: "Ses prénoms",
    value: (row) => row.givenNames,
  },
  {
    key: "dateNaissance",
    header: "Date de naissance du demandeur",
    type: "date",
    width: 14,
    description: "JJ/MM/AAAA (00 pour une partie inconnue)",
    value: (row) => row.birthdate,
  },
  {
    key: "qf",
    header: "Quotient familial",
    type: "integer",
    width: 12,
    description: "QF en euros (nombre entier)",
    value: (row) => row.qfValue,
  },
  {
    key: "qfMois",
    header: "Mois du QF",
    type: "integer",
    width: 8,
    description: "Mois (1 à 12) auquel le QF a été calculé",
    value: (row) => row.qfMois,
  },
  {
    key: "qfAnnee",
    header: "Année du QF",
    type: "integer",
    width: 8,
    description: "Année de ce calcul",
    value: (row) => row.qfAnnee,
  },
  {
    key: "organisme",
    header: "Organisme",
    type: "text",
    width: 10,
    description: "CAF ou MSA",
    value: (row) => (row.qfProvider ? PROVIDER_LABELS[row.qfProvider] : null),
  },
  {
    key: "tranche",
    header: "Tranche tarifaire",
    type: "text",
    width: 16,
    description: "Tranche de la commune où tombe le QF ; vide si la commune n’en a pas défini",
    value: (row, context) => bracketFor(row.qfValue, context.brackets)?.label ?? null,
  },
  ...allocataireColumns(0),
  ...allocataireColumns(1),
  {
    key: "adresse",
    header: "Adresse",
    type: "text",
    width: 36,
    description: "Complément, voie et lieu-dit de l’adresse CAF/MSA, séparés par des virgules",
    value: (row) => addressLines(row.address),
  },
  {
    key: "codePostalVille",
    header: "Code postal et ville",
    type: "text",
    width: 24,
    description: "Code postal et commune de l’adresse",
    value: (row) => row.address?.code_postal_ville ?? null,
  },
  {
    key: "pays",
    header: "Pays",
    type: "text",
    width: 10,
    description: "Pays de l’adresse",
    value: (row) => row.address?.pays ?? null,
  },
  {
    key: "enfants",
    header: "Nombre d’enfants",
    type: "integer",
    width: 10,
    description: "Enfants déclarés dans la famille",
    value: (row) => row.childrenCount,
  },
  {
    key: "numeroDossierCommune",
    header: "N° de dossier commune",
    type: "text",
    width: 18,
    description: "Numéro que la commune a passé dans son lien (external_id)",
    value: (row) => row.externalId,
  },
  {
    key: "qfMisAJourLe",
    header: "QF mis à jour le",
    type: "date",
    width: 12,
    description: "Date de la dernière mise à jour du QF (transmission, campagne annuelle ou consultation)",
    value: (row) => (row.qfUpdatedAt ? parisDayOf(row.qfUpdatedAt) : null),
  },
  {
    key: "qfPrecedent",
    header: "QF précédent",
    type: "integer",
    width: 12,
    description: "Valeur du QF avant la dernière mise à jour ; vide s’il n’y en a qu’une",
    value: (row) => row.previousQfValue,
  },
  {
    key: "qfEvolution",
    header: "Évolution du QF",
    type: "integer",
    width: 12,
    description: "QF actuel moins QF précédent (négatif : le QF a baissé)",
    value: (row) => (row.qfValue !== null && row.previousQfValue !== null ? row.qfValue - row.previousQfValue : null),
  },
  {
    key: "identifiant",
    header: "Identifiant Portail QF",
    type: "text",
    width: 38,
    description: "Identifiant du dossier dans le portail ; relie les feuilles « Familles » et « Membres »",
    value: (row) => row.id,
  },
];

/** One person of a family, for the "Membres" sheet (XLSX, ODS). */
export interface ExportMember {
  family: ExportFamily;
  role: "allocataire" | "enfant";
  person: FamilyMember;
}

export function membersOf(family: ExportFamily): ExportMember[] {
  return [
    ...family.members.allocataires.map((person) => ({ family, role: "allocataire" as const, person })),
    ...family.members.enfants.map((person) => ({ family, role: "enfant" as const, person })),
  ];
}

export const MEMBER_COLUMNS: ExportColumn<ExportMember>[] = [
  {
    key: "identifiant",
    header: "Identifiant Portail QF",
    type: "text",
    width: 38,
    description: "Identifiant du dossier (colonne de même nom de la feuille « Familles »)",
    value: (row) => row.family.id,
  },
  {
    key: "reference",
    header: "Référence",
    type: "text",
    width: 16,
    description: "Référence de la dernière transmission",
    value: (row) => row.family.reference,
  },
  {
    key: "role",
    header: "Rôle",
    type: "text",
    width: 12,
    description: "Allocataire ou Enfant",
    value: (row) => (row.role === "allocataire" ? "Allocataire" : "Enfant"),
  },
  {
    key: "nomNaissance",
    header: "Nom de naissance",
    type: "text",
    width: 22,
    description: "Nom de naissance",
    value: (row) => row.person.nom_naissance,
  },
  {
    key: "nomUsage",
    header: "Nom d’usage",
    type: "text",
    width: 20,
    description: "Nom d’usage, s’il y en a un",
    value: (row) => row.person.nom_usage,
  },
  {
    key: "prenoms",
    header: "Prénoms",
    type: "text",
    width: 24,
    description: "Prénoms",
    value: (row) => row.person.prenoms,
  },
  {
    key: "dateNaissance",
    header: "Date de naissance",
    type: "date",
    width: 14,
    description: "JJ/MM/AAAA (00 pour une partie inconnue)",
    value: (row) => row.person.date_naissance,
  },
  {
    key: "sexe",
    header: "Sexe",
    type: "text",
    width: 6,
    description: "F ou M",
    value: (row) => row.person.sexe,
  },
];

/**
 * The family columns of one export: the fixed ones, then one price column per service of the
 * commune, computed in the stream from the rule in force on the export's day (one rule per
 * service loaded once, no query per row). A price is for one child, or the family for services
 * not priced per child; the sibling reduction is not applied.
 */
export function familyColumns(context: ExportContext): ExportColumn<ExportFamily>[] {
  return [
    ...FAMILY_COLUMNS,
    ...context.tariffs.map((tariff, index): ExportColumn<ExportFamily> => ({
      key: `tarif${index + 1}`,
      header: `Tarif : ${tariff.name} (${UNIT_LABELS[tariff.unit].per})`,
      type: "cents",
      width: 14,
      description: "",
      value: (row) => priceCents(tariff.rule, row.qfValue),
    })),
  ];
}

/** For README: the price columns, documented once for every service. */
export const TARIFF_COLUMN_DOC = {
  header: "Tarif : <service> (<unité>)",
  description:
    "Une colonne par service tarifé de la commune : le prix en euros en vigueur le jour de l’export pour le QF de la famille (prix sans QF si le QF est inconnu), sans réduction pour les enfants suivants",
};

/** Characters that make a spreadsheet read a text cell as a formula (or a DDE payload). */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * Spreadsheet formula injection: a name or a commune file number typed as "=HYPERLINK(…)"
 * must stay text when an agent opens the file. Such a cell gets a leading apostrophe, which
 * spreadsheets show as text (OWASP "CSV injection").
 */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** A full "YYYY-MM-DD" day (no 00 part), as [year, month, day]; null otherwise. */
export function fullDay(value: string): [number, number, number] | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 ? [year, month, day] : null;
}

/** "YYYY-MM-DD" (parts possibly 00) → "JJ/MM/AAAA"; anything else unchanged. */
export function frenchDay(value: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  return match ? `${match[3]}/${match[2]}/${match[1]}` : value;
}

/** A cell as displayed text (CSV, and text fallbacks): dates JJ/MM/AAAA, formulas neutralised. */
export function cellText(value: CellValue, type: ColumnType): string {
  if (value === null) return "";
  if (type === "cents" && typeof value === "number") return centsToInput(value);
  if (typeof value === "number") return String(value);
  if (type === "date") return neutraliseFormula(frenchDay(value));
  return neutraliseFormula(value);
}
