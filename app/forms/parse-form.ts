import type { z } from "zod";

/**
 * One way to read a submitted form: a zod schema per form, whose messages are the French text shown
 * under each field. Routes never pick fields out of FormData by hand, so every field is validated,
 * bounded and typed the same way.
 */

/** Field name → French message; "_form" for an error that is about the whole form. */
export type FieldErrors = Record<string, string>;

export type FormParseResult<T> =
  | { success: true; data: T; values: Record<string, string> }
  | { success: false; errors: FieldErrors; values: Record<string, string> };

/** Longest value kept from any field: a forged form cannot make us hold megabytes of text. */
export const MAX_FIELD_LENGTH = 10_000;

export const FORM_ERROR_KEY = "_form";

/**
 * The form's text fields as a plain object: a name sent once gives a string, a name sent several
 * times (checkboxes) an array. Files are left out: no form of ours uploads any.
 */
export function formEntries(form: FormData | URLSearchParams): Record<string, string | string[]> {
  const entries: Record<string, string | string[]> = {};
  for (const [name, raw] of form.entries()) {
    if (typeof raw !== "string") continue;
    const value = raw.slice(0, MAX_FIELD_LENGTH);
    const previous = entries[name];
    if (previous === undefined) entries[name] = value;
    else entries[name] = Array.isArray(previous) ? [...previous, value] : [previous, value];
  }
  return entries;
}

/**
 * Parses a form with its schema. `values` holds what was typed, to fill the form again after an
 * error; fields listed in `secretFields` (tokens, secrets) are never sent back to the page.
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  form: FormData | URLSearchParams,
  { secretFields = [] }: { secretFields?: readonly string[] } = {},
): FormParseResult<z.output<S>> {
  const entries = formEntries(form);
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(entries)) {
    if (!secretFields.includes(name) && typeof value === "string") values[name] = value;
  }
  const parsed = schema.safeParse(entries);
  if (parsed.success) return { success: true, data: parsed.data, values };
  return { success: false, errors: fieldErrors(parsed.error), values };
}

/** The first message of each field, keyed by its name (nested paths joined by dots). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join(".") : FORM_ERROR_KEY;
    errors[key] ??= issue.message;
  }
  return errors;
}

/** "Un champ est à corriger" / "3 champs sont à corriger": the summary of an invalid form. */
export function invalidFieldsMessage(errors: FieldErrors): string {
  const count = Object.keys(errors).length;
  return count === 1 ? "Un champ est à corriger ci-dessous." : `${count} champs sont à corriger ci-dessous.`;
}
