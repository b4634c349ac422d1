export interface TariffVersionLike {
  status: "draft" | "published";
  /** YYYY-MM-DD, the first day the version applies. */
  validFrom: string;
}

/**
 * The published version in force on a day (YYYY-MM-DD): the one that started last on or before
 * it. A version ends when the next one starts, so published versions never overlap.
 */
export function versionInForce<V extends TariffVersionLike>(versions: readonly V[], day: string): V | null {
  let best: V | null = null;
  for (const version of versions) {
    if (version.status !== "published" || version.validFrom > day) continue;
    if (!best || version.validFrom > best.validFrom) best = version;
  }
  return best;
}

/** The published version that precedes `version` (the tariff it replaces), if any. */
export function previousPublished<V extends TariffVersionLike>(versions: readonly V[], version: V): V | null {
  let best: V | null = null;
  for (const candidate of versions) {
    if (candidate.status !== "published" || candidate.validFrom >= version.validFrom) continue;
    if (!best || candidate.validFrom > best.validFrom) best = candidate;
  }
  return best;
}

/**
 * Why a version cannot be published on `validFrom`, in French, or null. Published versions
 * follow each other: a new one starts after every published one, never on the same day nor
 * inside a period already published (which would rewrite prices families were charged).
 */
export function publicationConflict(versions: readonly TariffVersionLike[], validFrom: string): string | null {
  const latest = versions
    .filter((v) => v.status === "published")
    .reduce<string | null>((max, v) => (max === null || v.validFrom > max ? v.validFrom : max), null);
  if (latest === null || validFrom > latest) return null;
  const [y, m, d] = latest.split("-");
  return `Cette date chevauche la version publiée qui commence le ${d}/${m}/${y} : choisissez une date postérieure.`;
}
