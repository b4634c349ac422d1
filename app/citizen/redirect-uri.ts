/**
 * Where to send the citizen back once the QF is transmitted, when the commune's own portal asked
 * for it (`?redirect_uri=` on the deep link). Anyone can craft that link, so the URL is only
 * honoured when its origin is exactly one the commune registered: anything else would make us an
 * open redirect towards a phishing page dressed as the commune.
 */

/** Longer than any legitimate portal URL; refusing early keeps odd inputs away from the parser. */
const MAX_LENGTH = 2048;

/** The origin of a registered entry ("https://Mairie.fr:443/" → "https://mairie.fr"), or null if it is not http(s). */
function normalisedOrigin(entry: string): string | null {
  try {
    const url = new URL(entry.trim());
    if (url.protocol !== "https:" && url.protocol !== "http:") return null;
    if (url.username || url.password) return null;
    return url.origin;
  } catch {
    return null;
  }
}

/**
 * The URL to redirect to, re-serialised by the URL parser (so what we redirect to is what we
 * checked), or null when it must not be honoured: missing, not an absolute http(s) URL, carrying
 * credentials (`https://good@evil`), or whose scheme, host or port differs from every registered
 * origin (subdomains included). Default ports and host case do not matter.
 */
export function resolveReturnUrl(redirectUri: string | undefined, allowedOrigins: string[]): string | null {
  if (!redirectUri || redirectUri.length > MAX_LENGTH) return null;
  // WHATWG parsers strip tabs/newlines and read "\" as "/": browsers and we might then disagree on
  // the host ("https://good.fr\@evil"). No legitimate URL needs them raw, so refuse outright.
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u0020\u007f\\]/.test(redirectUri)) return null;
  // Absolute http(s) URLs only: rules out "//evil.fr", "/path", "javascript:", "data:"…
  if (!/^https?:\/\/[^/]/i.test(redirectUri)) return null;

  let url: URL;
  try {
    url = new URL(redirectUri);
  } catch {
    return null;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return null;
  // Any userinfo, even empty ("https://@good.fr"): it only ever serves to disguise the real host.
  const authority = redirectUri.slice(redirectUri.indexOf("//") + 2).split(/[/?#]/, 1)[0]!;
  if (url.username !== "" || url.password !== "" || authority.includes("@")) return null;
  const allowed = new Set(allowedOrigins.map(normalisedOrigin).filter((o): o is string => o !== null));
  return allowed.has(url.origin) ? url.href : null;
}
