import { deflateRawSync, inflateRawSync } from "node:zlib";
import { createCookie } from "@remix-run/node";
import type { z } from "zod";
import { decrypt, encrypt } from "~/utils/encryption.server";

/**
 * A small server-sealed state kept in the browser: deflated, encrypted with
 * AES-256-GCM (ENCRYPTION_KEY) and signed (SESSION_SECRET). Used for the
 * citizen's short session, so nothing of the citizen's data is stored on our
 * side before they consent. It carries its own absolute expiry.
 */
export interface EncryptedCookieStore<T> {
  read(request: Request): Promise<T | null>;
  /** A Set-Cookie header value. */
  write(value: T): Promise<string>;
  clear(): Promise<string>;
}

export function createEncryptedCookieStore<S extends z.ZodType>(options: {
  name: string;
  schema: S;
  maxAgeSeconds: number;
  secrets: string[];
  encryptionKey: Buffer;
  secure: boolean;
}): EncryptedCookieStore<z.infer<S>> {
  const cookie = createCookie(options.name, {
    httpOnly: true,
    sameSite: "lax",
    secure: options.secure,
    path: "/",
    maxAge: options.maxAgeSeconds,
    secrets: options.secrets,
  });
  const aad = `cookie:${options.name}`;

  return {
    async read(request) {
      const sealed: unknown = await cookie.parse(request.headers.get("Cookie"));
      if (typeof sealed !== "string") return null;
      try {
        const json = inflateRawSync(Buffer.from(decrypt(sealed, options.encryptionKey, aad), "base64")).toString(
          "utf8",
        );
        const envelope = JSON.parse(json) as { exp: number; value: unknown };
        if (typeof envelope.exp !== "number" || envelope.exp < Date.now()) return null;
        const parsed = options.schema.safeParse(envelope.value);
        return parsed.success ? parsed.data : null;
      } catch {
        // A tampered, foreign-key or outdated cookie is simply no session.
        return null;
      }
    },
    async write(value) {
      const envelope = { exp: Date.now() + options.maxAgeSeconds * 1000, value };
      const packed = deflateRawSync(Buffer.from(JSON.stringify(envelope), "utf8")).toString("base64");
      return cookie.serialize(encrypt(packed, options.encryptionKey, aad));
    },
    clear: () => cookie.serialize("", { maxAge: 0, expires: new Date(0) }),
  };
}
