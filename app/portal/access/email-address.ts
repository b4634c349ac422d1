/**
 * E-mail addresses as the portal keys them: trimmed and lowercased, since
 * identity providers do not agree on case and an invitation must match the
 * address ProConnect later vouches for.
 */
export function normaliseEmail(value: string): string {
  return value.trim().toLowerCase();
}

/** A plausible address (the identity provider has the final word): one @, a dot in the domain, no spaces. */
export function isPlausibleEmail(value: string): boolean {
  return value.length <= 254 && /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/.test(value);
}
