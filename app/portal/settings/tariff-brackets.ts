/*
 * Not a .server module: the inbox, the family file and the settings form render brackets
 * in the browser too.
 */

/** A commune's QF bracket: inclusive bounds, `max` null for the open-ended last one. */
export interface TariffBracket {
  label: string;
  min: number;
  max: number | null;
}

/** The bracket a QF falls in, or null (no QF, or no brackets defined). */
export function bracketFor(qf: number | null | undefined, brackets: readonly TariffBracket[]): TariffBracket | null {
  if (qf === null || qf === undefined) return null;
  return brackets.find((bracket) => qf >= bracket.min && (bracket.max === null || qf <= bracket.max)) ?? null;
}

/** "0 – 450", "1 201 et plus": the range as agents read it. */
export function formatBracketRange(bracket: TariffBracket): string {
  const number = (value: number) => value.toLocaleString("fr-FR");
  return bracket.max === null ? `${number(bracket.min)} et plus` : `${number(bracket.min)} – ${number(bracket.max)}`;
}

export interface BracketsValidation {
  brackets: TariffBracket[];
  /** French messages keyed by row index (0-based) or "form" for the whole list. */
  errors: Record<string, string>;
}

export const MAX_TARIFF_BRACKETS = 20;

/**
 * Validates the brackets an administrator typed. Rows must follow each other without a gap
 * or an overlap (a family always falls in exactly one bracket), start at 0, and only the last
 * may be open-ended. Empty rows are ignored.
 */
export function validateBrackets(
  rows: ReadonlyArray<{ label?: string; min?: string; max?: string }>,
): BracketsValidation {
  const errors: Record<string, string> = {};
  const brackets: TariffBracket[] = [];
  const filled = rows
    .map((row, index) => ({
      index,
      label: row.label?.trim() ?? "",
      min: row.min?.trim() ?? "",
      max: row.max?.trim() ?? "",
    }))
    .filter((row) => row.label !== "" || row.min !== "" || row.max !== "");
  if (filled.length > MAX_TARIFF_BRACKETS) {
    errors.form = `Vous pouvez définir au plus ${MAX_TARIFF_BRACKETS} tranches.`;
    return { brackets: [], errors };
  }
  const integer = (value: string) => (/^\d{1,6}$/.test(value) ? Number(value) : null);
  filled.forEach((row, position) => {
    const isLast = position === filled.length - 1;
    const min = integer(row.min);
    const max = row.max === "" ? null : integer(row.max);
    if (row.label === "" || row.label.length > 40) {
      errors[row.index] = "Donnez à la tranche un nom de 1 à 40 caractères (par exemple « Tranche A »).";
    } else if (min === null) {
      errors[row.index] = "Le QF minimum doit être un nombre entier positif (par exemple 451).";
    } else if (row.max !== "" && max === null) {
      errors[row.index] = "Le QF maximum doit être un nombre entier positif, ou vide pour la dernière tranche.";
    } else if (max === null && !isLast) {
      errors[row.index] = "Seule la dernière tranche peut ne pas avoir de QF maximum.";
    } else if (max !== null && max < min) {
      errors[row.index] = "Le QF maximum doit être supérieur ou égal au QF minimum.";
    } else {
      const previous = brackets.at(-1);
      if (!previous && min !== 0) {
        errors[row.index] = "La première tranche doit commencer à 0, pour que chaque famille ait une tranche.";
      } else if (previous && previous.max !== null && min !== previous.max + 1) {
        errors[row.index] = `Cette tranche doit commencer à ${previous.max + 1}, juste après la précédente.`;
      }
      brackets.push({ label: row.label, min, max });
    }
  });
  if (Object.keys(errors).length > 0) return { brackets: [], errors };
  return { brackets, errors };
}
