import crypto from "node:crypto";

/**
 * Authenticated encryption of personal data at rest (AES-256-GCM). A token is
 * `v2.<key id>.<iv>.<tag>.<ciphertext>` in base64url; GCM's tag makes any tampering fail loudly.
 * The optional AAD binds a token to its context (e.g. `shipment:<reference>`), so a ciphertext
 * copied onto another record does not decrypt.
 *
 * Keys rotate (ENCRYPTION_KEYS, docs/decisions/021-encryption-key-rotation.md): the process keeps a
 * keyring whose first key encrypts and whose every key decrypts. The key id in a token is the
 * key's fingerprint, not the name an operator gave it, so renaming a key in the configuration can
 * never make data unreadable. `v1.<iv>.<tag>.<ciphertext>` tokens (before rotation existed) carry
 * no id: every key of the ring is tried, GCM's tag telling the right one.
 */

const VERSION = "v2";
const LEGACY_VERSION = "v1";
const ALGORITHM = "aes-256-gcm";
const KEY_BYTES = 32;
/** 96-bit IVs are GCM's native size; random ones are safe for far more messages than we will encrypt per key. */
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** A token that cannot be decrypted: malformed, tampered with, or sealed with another key or AAD. */
export class DecryptionError extends Error {
  override name = "DecryptionError";
}

/** Reads `ENCRYPTION_KEY` (standard base64 of 32 random bytes, e.g. `openssl rand -base64 32`). */
export function keyFromBase64(s: string): Buffer {
  const trimmed = s.trim();
  // Buffer.from ignores invalid characters: check the alphabet first so a typo is not silently accepted.
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(trimmed)) throw new TypeError("ENCRYPTION_KEY doit être encodée en base64");
  const key = Buffer.from(trimmed, "base64");
  if (key.length !== KEY_BYTES) {
    throw new TypeError(`ENCRYPTION_KEY doit faire ${KEY_BYTES} octets (${key.length} reçus)`);
  }
  return key;
}

/** 16 hex characters identifying a key in tokens (64 bits of a SHA-256: no key can be read back from it). */
export function keyId(key: Buffer): string {
  assertKey(key);
  return crypto.createHash("sha256").update("portail-qf/key-id/").update(key).digest("hex").slice(0, 16);
}

/**
 * The keys this process can decrypt with besides the one a caller passes (older keys of the ring).
 * Callers keep passing the current key; only the configuration knows the ring.
 */
const decryptionKeys = new Map<string, Buffer>();

/** Installs the keyring: every key decrypts (the encrypting key is the one callers pass). */
export function installDecryptionKeys(keys: Buffer[]): void {
  decryptionKeys.clear();
  for (const key of keys) decryptionKeys.set(keyId(key), key);
}

/** The id of the key that sealed `token`, or null for a legacy v1 token (which names none). */
export function sealingKeyId(token: string): string | null {
  const parts = token.split(".");
  return parts[0] === VERSION && parts.length === 5 ? parts[1]! : null;
}

function assertKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== KEY_BYTES) {
    throw new TypeError(`La clé de chiffrement doit faire ${KEY_BYTES} octets`);
  }
}

export function encrypt(plaintext: string | Buffer, key: Buffer, aad?: string): string {
  assertKey(key);
  const iv = crypto.randomBytes(IV_BYTES);
  const cipher = crypto.createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, "utf8"));
  const data = typeof plaintext === "string" ? Buffer.from(plaintext, "utf8") : plaintext;
  const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);
  const tag = cipher.getAuthTag();
  return [VERSION, keyId(key), iv, tag, ciphertext]
    .map((part) => (typeof part === "string" ? part : part.toString("base64url")))
    .join(".");
}

/** The plaintext as UTF-8 text (what `encrypt` received as a string). Throws DecryptionError. */
export function decrypt(token: string, key: Buffer, aad?: string): string {
  return decryptBuffer(token, key, aad).toString("utf8");
}

/** The plaintext bytes (what `encrypt` received as a Buffer). Throws DecryptionError. */
export function decryptBuffer(token: string, key: Buffer, aad?: string): Buffer {
  assertKey(key);
  const parts = typeof token === "string" ? token.split(".") : [];
  if (parts[0] === VERSION && parts.length === 5) {
    const [, id, ...encoded] = parts as [string, string, string, string, string];
    const sealingKey = id === keyId(key) ? key : decryptionKeys.get(id);
    // An unknown key is reported like any unreadable token: the caller must not learn more.
    if (!sealingKey) throw new DecryptionError("Jeton chiffré invalide ou altéré");
    return open(encoded, sealingKey, aad);
  }
  if (parts[0] === LEGACY_VERSION && parts.length === 4) {
    const candidates = [key, ...[...decryptionKeys.values()].filter((other) => !other.equals(key))];
    let failure: unknown;
    for (const candidate of candidates) {
      try {
        return open(parts.slice(1), candidate, aad);
      } catch (error) {
        failure = error;
      }
    }
    throw failure;
  }
  throw new DecryptionError("Jeton chiffré illisible");
}

function open(encoded: string[], key: Buffer, aad: string | undefined): Buffer {
  if (!encoded.every((part) => BASE64URL.test(part))) throw new DecryptionError("Jeton chiffré illisible");
  const [iv, tag, ciphertext] = encoded.map((part) => Buffer.from(part, "base64url")) as [Buffer, Buffer, Buffer];
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) throw new DecryptionError("Jeton chiffré illisible");
  try {
    const decipher = crypto.createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
    if (aad !== undefined) decipher.setAAD(Buffer.from(aad, "utf8"));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
  } catch {
    // Never say which check failed: the caller only needs to know the token is not to be trusted.
    throw new DecryptionError("Jeton chiffré invalide ou altéré");
  }
}

export function encryptJson(value: unknown, key: Buffer, aad?: string): string {
  const json = JSON.stringify(value);
  if (json === undefined) throw new TypeError("Valeur non sérialisable en JSON");
  return encrypt(json, key, aad);
}

/** Decrypts and parses; the type is the caller's promise (validate if the shape matters). Throws DecryptionError. */
export function decryptJson<T>(token: string, key: Buffer, aad?: string): T {
  const text = decrypt(token, key, aad);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new DecryptionError("Contenu déchiffré qui n'est pas du JSON");
  }
}
