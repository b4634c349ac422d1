import crypto from "node:crypto";
import type { PivotIdentity } from "~/domain/pivot-identity";
import type { FamilyMember } from "../../../db/schema/family-files.ts";

/** Letters NFD does not decompose, spelled out as French speakers type them. */
const LIGATURES: Record<string, string> = { œ: "oe", æ: "ae", ß: "ss", ø: "o", ł: "l", đ: "d" };

/**
 * Accent-folded lower case with single spaces: "Élodie  LŒUVRE" → "elodie loeuvre". Hyphens and
 * apostrophes are kept (a compound name stays one word for the identity key); use the same
 * function on search queries so both sides fold alike.
 */
export function foldForSearch(text: string): string {
  return text
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[œæßøłđ]/g, (c) => LIGATURES[c] ?? c)
    .replace(/[’‘`´]/g, "'")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Two transmissions of the same citizen to the same commune carry the same FranceConnect pivot
 * identity; case and accents are folded because identity providers have been seen to differ
 * there. Hashed so the key column holds no readable identity and has a fixed size.
 */
export function familyIdentityKey(identity: PivotIdentity): string {
  const parts = [
    foldForSearch(identity.familyName),
    foldForSearch(identity.givenNames.join(" ")),
    identity.gender,
    identity.birthdate,
    identity.birthcountry,
    identity.birthplace ?? "",
  ];
  // Appended only when present, so the keys of every other identity stay what they were.
  if (identity.formerBirthplace) {
    parts.push(foldForSearch(identity.formerBirthplace.name), identity.formerBirthplace.departement.toUpperCase());
  }
  return crypto.createHash("sha256").update(parts.join("|")).digest("hex");
}

/**
 * Every name agents may search a file by: the pivot identity, allocataires and children (birth
 * and usage names, first names), folded, deduplicated. Hyphenated names also appear split, so
 * "trois-dupre" is found by "dupre" too.
 */
export function familySearchText(
  identity: Pick<PivotIdentity, "familyName" | "givenNames"> | null,
  members: FamilyMember[],
): string {
  const names = [
    ...(identity ? [identity.familyName, ...identity.givenNames] : []),
    ...members.flatMap((m) => [m.nom_naissance, m.nom_usage ?? "", m.prenoms]),
  ];
  const words = new Set<string>();
  for (const name of names) {
    for (const word of foldForSearch(name).split(" ")) {
      if (!word) continue;
      words.add(word);
      if (/[-']/.test(word)) for (const piece of word.split(/[-']/)) if (piece) words.add(piece);
    }
  }
  return [...words].join(" ");
}
