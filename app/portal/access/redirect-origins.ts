/**
 * The origins a commune registers for its own website, accepted as redirect_uri
 * of the citizen deep link (app/citizen/redirect-uri.ts checks against them).
 * Each is reduced to its origin ("https://Mairie.fr:443/" → "https://mairie.fr").
 */

export type OriginsParse = { ok: true; origins: string[] } | { ok: false; error: string };

export const MAX_REDIRECT_ORIGINS = 20;

/** One entry per line (or separated by spaces/commas); `allowHttp` only in demo mode. */
export function parseRedirectOrigins(input: string, { allowHttp }: { allowHttp: boolean }): OriginsParse {
  const entries = input
    .split(/[\s,]+/)
    .map((entry) => entry.trim())
    .filter(Boolean);
  if (entries.length > MAX_REDIRECT_ORIGINS) {
    return { ok: false, error: `Indiquez au plus ${MAX_REDIRECT_ORIGINS} origines.` };
  }
  const origins: string[] = [];
  for (const entry of entries) {
    const result = normaliseOrigin(entry, allowHttp);
    if ("error" in result) return { ok: false, error: `« ${entry.slice(0, 100)} » : ${result.error}` };
    if (!origins.includes(result.origin)) origins.push(result.origin);
  }
  return { ok: true, origins };
}

function normaliseOrigin(entry: string, allowHttp: boolean): { origin: string } | { error: string } {
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return { error: "ce n’est pas une adresse web complète (exemple : https://www.mairie-exemple.fr)." };
  }
  if (url.protocol !== "https:" && !(allowHttp && url.protocol === "http:")) {
    return { error: "l’adresse doit commencer par https://." };
  }
  if (url.username || url.password)
    return { error: "l’adresse ne doit pas contenir d’identifiant ni de mot de passe." };
  if ((url.pathname !== "/" && url.pathname !== "") || url.search || url.hash) {
    return {
      error: "indiquez seulement l’origine, sans chemin ni paramètres (exemple : https://www.mairie-exemple.fr).",
    };
  }
  return { origin: url.origin };
}
