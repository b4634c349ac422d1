import { randomBytes } from "node:crypto";
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import { z } from "zod";

export const providerKeysSchema = z.object({
  /** Private ES256 JWKs (kid, alg, use set), newest first. */
  jwks: z.array(z.record(z.string(), z.unknown())).min(1),
  /** Keys signing the provider's cookies. */
  cookieKeys: z.array(z.string()).min(1),
});
export type ProviderKeys = z.infer<typeof providerKeysSchema>;

/**
 * A fresh ES256 signing key (what FranceConnect and ProConnect recommend) and
 * cookie keys. They are saved in the demo state so tokens and sessions issued
 * before a simulator restart stay verifiable.
 */
export async function generateProviderKeys(): Promise<ProviderKeys> {
  const { privateKey } = await generateKeyPair("ES256", { extractable: true });
  const jwk = await exportJWK(privateKey);
  const kid = await calculateJwkThumbprint(jwk);
  return {
    jwks: [{ ...jwk, kid, alg: "ES256", use: "sig" }],
    cookieKeys: [randomBytes(32).toString("base64url")],
  };
}
