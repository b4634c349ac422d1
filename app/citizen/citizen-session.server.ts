import { z } from "zod";
import { createEncryptedCookieStore, type EncryptedCookieStore } from "~/auth/encrypted-cookie.server";
import { getConfig } from "~/config.server";
import { keyFromBase64 } from "~/utils/encryption.server";
import type { PivotIdentity } from "~/domain/pivot-identity";
import type { QuotientFamilialData } from "~/domain/quotient-familial";

/** As long as a FranceConnect session: the citizen finishes within it or starts again. */
export const CITIZEN_SESSION_SECONDS = 30 * 60;

const retrieval = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("ok"),
    // The cookie is authenticated (AES-GCM): these were validated when the API answered.
    pivotIdentity: z.custom<PivotIdentity>((v) => typeof v === "object" && v !== null),
    quotientFamilial: z.custom<QuotientFamilialData>((v) => typeof v === "object" && v !== null),
    /** Idempotency key of the transmission from this review page. */
    reviewKey: z.string().min(16),
  }),
  z.object({ kind: z.literal("not_found") }),
  z.object({
    kind: z.literal("provider_unavailable"),
    /** Failed retries so far: carried through the next login start so the retry page can stop offering one. */
    retries: z.number().int().min(0),
    /** Set when API Particulier asked us to wait (429) longer than the citizen can be kept waiting. */
    waitSeconds: z.number().int().min(1).optional(),
  }),
  z.object({ kind: z.literal("service_error") }),
]);
export type Retrieval = z.infer<typeof retrieval>;

const citizenSession = z.object({
  siret: z.string().regex(/^\d{14}$/),
  // readExternalId bounds it to 255 characters, up to 4 UTF-16 units each in the worst case.
  externalId: z.string().max(1020).nullable(),
  returnUrl: z.string().nullable(),
  pendingLogin: z.object({ state: z.string(), nonce: z.string(), codeVerifier: z.string() }).nullable(),
  /** Kept for FranceConnect logout (id_token_hint). */
  idToken: z.string().nullable(),
  logoutState: z.string().nullable().default(null),
  retrieval: retrieval.nullable(),
  shipmentReference: z.string().nullable(),
  /**
   * The prices shown on the review page, kept for the confirmation page once the QF itself has
   * left the session (it lives only in the shipment, purged at delivery). Prices, never the QF.
   */
  tariffs: z
    .array(z.object({ service: z.string(), per: z.string(), price: z.string(), explanation: z.string() }))
    .max(30)
    .nullable()
    .default(null),
});
export type CitizenSession = z.infer<typeof citizenSession>;

let store: EncryptedCookieStore<CitizenSession> | undefined;

export function citizenSessionStore(): EncryptedCookieStore<CitizenSession> {
  if (!store) {
    const config = getConfig();
    store = createEncryptedCookieStore({
      name: "__qf_citoyen",
      schema: citizenSession,
      maxAgeSeconds: CITIZEN_SESSION_SECONDS,
      secrets: config.sessionSecrets,
      encryptionKey: keyFromBase64(config.ENCRYPTION_KEY),
      secure: !config.demoMode,
    });
  }
  return store;
}

export function newCitizenSession(siret: string, externalId: string | null, returnUrl: string | null): CitizenSession {
  return {
    siret,
    externalId,
    returnUrl,
    pendingLogin: null,
    idToken: null,
    logoutState: null,
    retrieval: null,
    shipmentReference: null,
    tariffs: null,
  };
}
