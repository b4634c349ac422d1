import { z } from "zod";
import { quotientFamilialDataSchema, type QuotientFamilialData } from "~/domain/quotient-familial";

/**
 * The body of API Particulier v3's quotient familial routes. It is external data: parsing it never
 * throws, and a response we cannot read becomes a result the caller turns into a page.
 */

const responseSchema = z.object({ data: quotientFamilialDataSchema });

export type QuotientFamilialParseResult =
  | { success: true; data: QuotientFamilialData }
  /** Where the body is wrong (paths and zod codes only: the values are personal data). */
  | { success: false; issues: string[] };

/** Reads a 200 body `{"data": {...}, "links": {}, "meta": {}}` of API Particulier's QF routes. */
export function parseQuotientFamilialResponse(json: unknown): QuotientFamilialParseResult {
  const parsed = responseSchema.safeParse(json);
  if (parsed.success) return { success: true, data: parsed.data.data };
  return {
    success: false,
    issues: parsed.error.issues.map((issue) => `${issue.path.join(".") || "(racine)"}: ${issue.code}`),
  };
}
