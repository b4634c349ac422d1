import { z } from "zod";

/**
 * Building blocks of the forms' schemas. A field that was not sent at all reads as empty, so the
 * same French message covers "left empty" and "missing from a forged form".
 */

const absentAsEmpty = (value: unknown) => (value === undefined || value === null ? "" : value);

/** Trimmed text, possibly empty. */
export const optionalText = (max = 200, tooLong = `Ce champ ne peut dépasser ${max} caractères.`) =>
  z.preprocess(absentAsEmpty, z.string().trim().max(max, tooLong));

/** Trimmed text that must not be empty. */
export const requiredText = (required: string, max = 200, tooLong = `Ce champ ne peut dépasser ${max} caractères.`) =>
  z.preprocess(absentAsEmpty, z.string().trim().min(1, required).max(max, tooLong));

/** A checkbox: checked when sent with any value. */
export const checkbox = () =>
  z.preprocess((value) => value !== undefined && value !== null && value !== "", z.boolean());

/** One of a fixed set of values (radio buttons, selects, intents). */
export const oneOf = <const T extends readonly [string, ...string[]]>(values: T, message: string) =>
  z.preprocess(absentAsEmpty, z.enum(values, { error: message }));
