/** A count as French readers write it: "12 345". */
export const number = (value: number) => value.toLocaleString("fr-FR");

/** "12,5 %" of a part, "—" when there is nothing to divide. */
export const percent = (part: number, whole: number) =>
  whole > 0 ? `${((100 * part) / whole).toLocaleString("fr-FR", { maximumFractionDigits: 1 })} %` : "—";
