import { decrypt, encrypt } from "~/utils/encryption.server";
import type { WebhookEndpoint } from "../../db/schema/index.ts";

/**
 * Signing secrets at rest (ENCRYPTION_KEY, AES-256-GCM). The AAD binds a ciphertext to its
 * commune and endpoint, so a secret copied onto another endpoint does not decrypt. The current
 * and previous secrets share it: a rotation moves the ciphertext as is.
 */
export const endpointSecretAad = (collectivityId: string, endpointId: string) =>
  `webhook-endpoint:${collectivityId}:${endpointId}`;
const aad = endpointSecretAad;

export function sealEndpointSecret(key: Buffer, collectivityId: string, endpointId: string, secret: string): string {
  return encrypt(secret, key, aad(collectivityId, endpointId));
}

/** The secrets that sign a delivery at `now`: the current one, then the previous one during its grace period. */
export function endpointSecrets(
  endpoint: Pick<
    WebhookEndpoint,
    "id" | "collectivityId" | "secretEncrypted" | "previousSecretEncrypted" | "previousSecretExpiresAt"
  >,
  key: Buffer,
  now: Date,
): string[] {
  const open = (sealed: string) => decrypt(sealed, key, aad(endpoint.collectivityId, endpoint.id));
  const secrets = [open(endpoint.secretEncrypted)];
  if (
    endpoint.previousSecretEncrypted &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > now.getTime()
  ) {
    secrets.push(open(endpoint.previousSecretEncrypted));
  }
  return secrets;
}
