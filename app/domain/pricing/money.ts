/**
 * Integer arithmetic for prices: every amount is a whole number of cents, every division is
 * rounded once, half up, by integer operations. Floats would drift (0.1 + 0.2) and a council
 * votes prices to the cent.
 */

/** floor(numerator / denominator) for integers, exact (denominator > 0). */
function floorDiv(numerator: number, denominator: number): number {
  const remainder = ((numerator % denominator) + denominator) % denominator;
  return (numerator - remainder) / denominator;
}

/** numerator / denominator rounded to the nearest integer, halves up (denominator > 0). */
export function divideHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new RangeError("divideHalfUp expects safe integers and a positive denominator");
  }
  return floorDiv(2 * numerator + denominator, 2 * denominator);
}

/**
 * numerator / denominator cents rounded once to a step (1, 5 or 10 cents), halves up: rounding
 * to the cent first and then to the step would round 4,449 € up to 4,45 then 4,50.
 */
export function roundCents(numerator: number, denominator: number, step: number): number {
  return divideHalfUp(numerator, denominator * step) * step;
}

const euros = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const plain = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 4 });

/** "4,52 €" (a French price always shows its cents). */
export const formatCents = (cents: number) => `${euros.format(cents / 100)} €`;

/** "1 412 €" for a QF. */
export const formatQfEuros = (qf: number) => `${plain.format(qf)} €`;

/** A rate in ten-thousandths of a percent (3200 = 0,32 %) as "0,32 %". */
export const formatRate = (rate: number) => `${plain.format(rate / 10_000)} %`;

/**
 * Parses a price typed by an agent, "4,52", "4.5", "4" or "4,52 €", into cents without a float;
 * null when it is not a non-negative amount with at most two decimals.
 */
export function parseEurosToCents(input: string): number | null {
  const match = /^(\d{1,6})(?:[.,](\d{1,2}))?$/.exec(input.replace(/[\s\u00a0\u202f€]/g, ""));
  if (!match) return null;
  return Number(match[1]) * 100 + Number((match[2] ?? "0").padEnd(2, "0"));
}

/** Parses a rate in percent, "0,32" or "0.0619", into ten-thousandths of a percent; null otherwise. */
export function parsePercentToRate(input: string): number | null {
  const match = /^(\d{1,3})(?:[.,](\d{1,4}))?$/.exec(input.replace(/[\s\u00a0\u202f%]/g, ""));
  if (!match) return null;
  return Number(match[1]) * 10_000 + Number((match[2] ?? "0").padEnd(4, "0"));
}

/** Cents as the agent would type them back: "4,52". */
export const centsToInput = (cents: number) => `${Math.trunc(cents / 100)},${String(cents % 100).padStart(2, "0")}`;

/** A rate as typed: "0,32". */
export function rateToInput(rate: number): string {
  const fraction = String(rate % 10_000)
    .padStart(4, "0")
    .replace(/0+$/, "");
  return fraction === "" ? String(Math.trunc(rate / 10_000)) : `${Math.trunc(rate / 10_000)},${fraction}`;
}
