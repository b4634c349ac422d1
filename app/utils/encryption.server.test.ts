import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decrypt,
  decryptBuffer,
  decryptJson,
  DecryptionError,
  encrypt,
  encryptJson,
  installDecryptionKeys,
  keyFromBase64,
  keyId,
  sealingKeyId,
} from "./encryption.server";

const key = crypto.randomBytes(32);
const otherKey = crypto.randomBytes(32);

/** Flips one bit of one base64url part of a token. */
function tamper(token: string, part: 1 | 2 | 3 | 4): string {
  const parts = token.split(".");
  const bytes = Buffer.from(parts[part]!, "base64url");
  bytes[0] = bytes[0]! ^ 1;
  parts[part] = bytes.toString("base64url");
  return parts.join(".");
}

describe("encrypt / decrypt", () => {
  it("round-trips text, bytes and the empty string", () => {
    const text = "Angela Claire Louise DUBOIS, née le 24/08/1962 — QF 2550 €";
    expect(decrypt(encrypt(text, key), key)).toBe(text);
    const bytes = crypto.randomBytes(1000);
    expect(decryptBuffer(encrypt(bytes, key), key).equals(bytes)).toBe(true);
    expect(decrypt(encrypt("", key), key)).toBe("");
  });

  it("writes a versioned compact token", () => {
    const token = encrypt("secret", key);
    expect(token).toMatch(/^v2\.[0-9a-f]{16}\.[A-Za-z0-9_-]{16}\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]+$/);
    expect(token.split(".")[1]).toBe(keyId(key));
    expect(token).not.toContain("secret");
  });

  it("uses a fresh IV every time", () => {
    const tokens = Array.from({ length: 200 }, () => encrypt("même texte", key));
    expect(new Set(tokens.map((t) => t.split(".")[2])).size).toBe(200);
    expect(new Set(tokens).size).toBe(200);
  });

  it.each([1, 2, 3, 4] as const)("detects tampering with part %i", (part) => {
    const token = encrypt("QF 2550", key);
    expect(() => decrypt(tamper(token, part), key)).toThrow(DecryptionError);
    expect(() => decryptBuffer(tamper(token, part), key)).toThrow(DecryptionError);
  });

  it("rejects another key", () => {
    expect(() => decrypt(encrypt("QF 2550", key), otherKey)).toThrow(DecryptionError);
  });

  it("binds the token to its AAD", () => {
    const token = encrypt("QF 2550", key, "shipment:0A1B2C3D4E5F6");
    expect(decrypt(token, key, "shipment:0A1B2C3D4E5F6")).toBe("QF 2550");
    expect(() => decrypt(token, key, "shipment:FFFFFFFFFFFFF")).toThrow(DecryptionError);
    expect(() => decrypt(token, key)).toThrow(DecryptionError);
    expect(() => decrypt(encrypt("QF 2550", key), key, "shipment:0A1B2C3D4E5F6")).toThrow(DecryptionError);
  });

  it.each([
    ["empty", ""],
    ["unknown version", "v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA"],
    ["missing part", "v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA"],
    ["extra part", "v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA.AAAA"],
    ["short IV", "v1.AAAA.AAAAAAAAAAAAAAAAAAAAAA.AAAA"],
    ["truncated tag", "v1.AAAAAAAAAAAAAAAA.AAAAAAAA.AAAA"],
    ["not base64url", "v1.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA.A+/="],
  ])("rejects a malformed token: %s", (_label, token) => {
    expect(() => decrypt(token, key)).toThrow(DecryptionError);
  });

  it("truncating the tag of a real token does not weaken the check", () => {
    const [v, iv, tag, ct] = encrypt("QF 2550", key).split(".");
    const shortTag = Buffer.from(tag!, "base64url").subarray(0, 4).toString("base64url");
    expect(() => decrypt([v, iv, shortTag, ct].join("."), key)).toThrow(DecryptionError);
  });

  it("refuses keys that are not 32 bytes", () => {
    expect(() => encrypt("x", crypto.randomBytes(16))).toThrow(TypeError);
    expect(() => decrypt(encrypt("x", key), crypto.randomBytes(31))).toThrow(TypeError);
  });
});

describe("encryptJson / decryptJson", () => {
  it("round-trips JSON values", () => {
    const value = { reference: "0A1B2C3D4E5F6", externalId: null, qf: { valeur: 2550 }, enfants: [] };
    expect(decryptJson(encryptJson(value, key, "shipment:0A1B2C3D4E5F6"), key, "shipment:0A1B2C3D4E5F6")).toEqual(
      value,
    );
  });

  it("refuses what JSON cannot hold", () => {
    expect(() => encryptJson(undefined, key)).toThrow(TypeError);
  });

  it("reports a decrypted text that is not JSON", () => {
    expect(() => decryptJson(encrypt("pas du JSON", key), key)).toThrow(DecryptionError);
  });
});

describe("keyFromBase64", () => {
  it("reads a base64 key of 32 bytes", () => {
    expect(keyFromBase64(key.toString("base64")).equals(key)).toBe(true);
    expect(keyFromBase64(` ${key.toString("base64")}\n`).equals(key)).toBe(true);
  });

  it.each([
    ["16 bytes", crypto.randomBytes(16).toString("base64")],
    ["33 bytes", crypto.randomBytes(33).toString("base64")],
    ["hex", crypto.randomBytes(32).toString("hex")],
    [
      "typo",
      `${crypto.randomBytes(32).toString("base64").slice(0, 20)}!${crypto.randomBytes(32).toString("base64").slice(21)}`,
    ],
    ["empty", ""],
  ])("rejects %s", (_label, value) => {
    expect(() => keyFromBase64(value)).toThrow(TypeError);
  });
});

/** A token as the code wrote them before key rotation existed: `v1.<iv>.<tag>.<ciphertext>`. */
function legacyToken(plaintext: string, legacyKey: Buffer, aad?: string): string {
  const iv = crypto.randomBytes(12);
  const cipher = crypto.createCipheriv("aes-256-gcm", legacyKey, iv, { authTagLength: 16 });
  if (aad !== undefined) cipher.setAAD(Buffer.from(aad, "utf8"));
  const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv, cipher.getAuthTag(), ciphertext]
    .map((p) => (typeof p === "string" ? p : p.toString("base64url")))
    .join(".");
}

describe("key rotation", () => {
  const oldKey = crypto.randomBytes(32);
  const newKey = crypto.randomBytes(32);

  it("reads what an older key of the ring sealed, and writes with the current key", () => {
    const sealedBefore = encrypt("jeton API Particulier", oldKey, "collectivity-settings:c1:api_particulier_token");
    installDecryptionKeys([newKey, oldKey]);
    try {
      expect(decrypt(sealedBefore, newKey, "collectivity-settings:c1:api_particulier_token")).toBe(
        "jeton API Particulier",
      );
      const resealed = encrypt("jeton API Particulier", newKey, "collectivity-settings:c1:api_particulier_token");
      expect(sealingKeyId(resealed)).toBe(keyId(newKey));
      expect(sealingKeyId(sealedBefore)).toBe(keyId(oldKey));
    } finally {
      installDecryptionKeys([]);
    }
    // Once the old key is dropped from the ring, what it sealed is unreadable (and says nothing more).
    installDecryptionKeys([newKey]);
    try {
      expect(() => decrypt(sealedBefore, newKey, "collectivity-settings:c1:api_particulier_token")).toThrow(
        "Jeton chiffré invalide ou altéré",
      );
    } finally {
      installDecryptionKeys([]);
    }
  });

  it("still reads legacy v1 tokens, with any key of the ring, and only with the right AAD", () => {
    const legacy = legacyToken("Angela", oldKey, "shipment:0A1B2C3D4E5F6");
    expect(sealingKeyId(legacy)).toBeNull();
    expect(decrypt(legacy, oldKey, "shipment:0A1B2C3D4E5F6")).toBe("Angela");
    expect(() => decrypt(legacy, newKey, "shipment:0A1B2C3D4E5F6")).toThrow(DecryptionError);
    installDecryptionKeys([newKey, oldKey]);
    try {
      expect(decrypt(legacy, newKey, "shipment:0A1B2C3D4E5F6")).toBe("Angela");
      expect(() => decrypt(legacy, newKey, "shipment:FFFFFFFFFFFFF")).toThrow(DecryptionError);
    } finally {
      installDecryptionKeys([]);
    }
  });
});
