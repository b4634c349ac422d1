import { z } from "zod";
import { isValidSiret } from "~/utils/siret";

/**
 * DataPass webhook bodies (README §5 and DataPass's webhook serializer). Unknown
 * keys are accepted and dropped: DataPass adds fields over time, and a 400 makes
 * it retry, then disable the webhook.
 */

/** What DataPass sends when a developer creates or tests the webhook. */
export const testDeliverySchema = z.object({ test: z.literal(true) });

/** Every event shares this envelope; only `approve` has its data validated further. */
export const deliveryEnvelopeSchema = z.object({
  event: z.string().min(1).max(64),
  model_type: z.string().min(1).max(200),
  // DataPass sends the authorization request's integer id; kept as text.
  model_id: z.union([z.number().int().nonnegative(), z.string().trim().min(1).max(64)]).transform(String),
  // Unix seconds for DataPass (`Time.now.to_i`); an ISO 8601 date is accepted too.
  fired_at: z
    .union([z.number().positive(), z.iso.datetime({ offset: true })])
    .transform((value) => (typeof value === "number" ? new Date(value * 1000) : new Date(value))),
  data: z.record(z.string(), z.unknown()),
});

/** Typed but unbounded: a long job title must not make DataPass retry forever. */
const optionalText = z.string().trim().nullish();

/**
 * The SIRENE record DataPass attaches to the organisation (insee_payload): only
 * the establishment's INSEE code is read. Any other shape counts as absent
 * rather than malformed: it is a third party's payload, not DataPass's contract.
 */
const inseePayloadSchema = z
  .object({
    etablissement: z.object({
      adresseEtablissement: z.object({ codeCommuneEtablissement: z.string().trim().nullish() }),
    }),
  })
  .nullish()
  .catch(null);

export const approvalDataSchema = z.object({
  organization: z.object({
    siret: z.string().trim().refine(isValidSiret, { error: "SIRET invalide" }),
    /** Legal name as registered ("COMMUNE D'ANGERS"); shortened when stored. */
    name: optionalText,
    /** INSEE code, when the sender knows it (not sent by DataPass today). */
    code_cog: z
      .string()
      .trim()
      .regex(/^[0-9][0-9AB][0-9]{3}$/)
      .nullish(),
    insee_payload: inseePayloadSchema,
  }),
  applicant: z.object({
    email: z.email().max(254),
    // Part of the contract, but not kept: the invitation only needs the address.
    given_name: optionalText,
    family_name: optionalText,
    job_title: optionalText,
    phone_number: optionalText,
  }),
  service_provider: z
    .object({
      id: z.union([z.string().trim().min(1).max(100), z.number()]).nullish(),
      siret: z.string().nullish(),
      type: z.string().nullish(),
    })
    .nullish(),
});

export type DeliveryEnvelope = z.infer<typeof deliveryEnvelopeSchema>;
export type ApprovalData = z.infer<typeof approvalDataSchema>;

/** The INSEE code a payload gives for the organisation, explicit field first. */
export function declaredCodeCog(organization: ApprovalData["organization"]): string | null {
  return (
    organization.code_cog ??
    organization.insee_payload?.etablissement.adresseEtablissement.codeCommuneEtablissement ??
    null
  );
}

/** The software editor a commune goes through, when DataPass names one. */
export function declaredEditor(serviceProvider: ApprovalData["service_provider"]): string | null {
  if (serviceProvider?.type !== "editor" || serviceProvider.id == null) return null;
  return String(serviceProvider.id);
}
