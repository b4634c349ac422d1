import { decrypt, encrypt } from "~/utils/encryption.server";

/**
 * Sealing of a commune's secrets at rest. The AAD binds each ciphertext to its
 * commune and column, so a secret copied onto another commune's row, or into
 * the other column, does not decrypt.
 */
export type SettingsSecret = "hubee_si_secret" | "api_particulier_token";

export const settingsSecretAad = (collectivityId: string, secret: SettingsSecret) =>
  `collectivity-settings:${collectivityId}:${secret}`;
const aad = settingsSecretAad;

export function sealSettingsSecret(key: Buffer, collectivityId: string, secret: SettingsSecret, value: string): string {
  return encrypt(value, key, aad(collectivityId, secret));
}

/** Throws DecryptionError when sealed with another key or for another commune. */
export function openSettingsSecret(
  key: Buffer,
  collectivityId: string,
  secret: SettingsSecret,
  sealed: string,
): string {
  return decrypt(sealed, key, aad(collectivityId, secret));
}
