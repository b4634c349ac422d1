import { sql } from "drizzle-orm";

/*
 * The outbox keeps the technical message of a shipment's last failure (shipments.last_error,
 * written by app/citizen/shipment-delivery.server.ts from HubeeError messages). The operator view
 * groups failures by a stable code derived from it, and shows only that code: the message quotes
 * HubEE, which we do not control, so it never reaches a screen that must hold no personal data.
 * Not a .server module: the labels are rendered in the browser too.
 */

/** The code of a last_error, in SQL so the database groups and counts (first matching rule wins). */
export const deliveryErrorCodeSql = sql`case
  when s.last_error is null then 'inconnu'
  when s.last_error ~ '^Authentification HubEE refusée \\(HTTP [0-9]{3}\\)'
    then 'hubee_auth_' || substring(s.last_error from '^Authentification HubEE refusée \\(HTTP ([0-9]{3})\\)')
  when s.last_error like 'Service d''authentification HubEE injoignable%' then 'hubee_auth_injoignable'
  when s.last_error ~ '^HubEE a refusé .*\\(HTTP [0-9]{3}\\)'
    then 'hubee_http_' || substring(s.last_error from '^HubEE a refusé .*?\\(HTTP ([0-9]{3})\\)')
  when s.last_error like 'HubEE injoignable%' then 'hubee_injoignable'
  when s.last_error like 'Réponse%HubEE illisible%' then 'hubee_reponse_illisible'
  when s.last_error like '%Contenu de la transmission absent%' then 'contenu_purge'
  when s.last_error like '%Pièce jointe%absente du dossier HubEE%' then 'piece_jointe_absente'
  else 'autre'
end`;

const FIXED_LABELS: Record<string, string> = {
  inconnu: "Erreur non enregistrée",
  hubee_auth_injoignable: "Service d’authentification HubEE injoignable",
  hubee_injoignable: "HubEE injoignable (réseau, délai dépassé)",
  hubee_reponse_illisible: "Réponse de HubEE illisible",
  contenu_purge: "Contenu de la transmission absent (déjà purgé)",
  piece_jointe_absente: "Pièce jointe absente du dossier HubEE",
  autre: "Autre erreur technique",
};

/** French meaning of a code, for the operator. */
export function deliveryErrorLabel(code: string): string {
  const auth = /^hubee_auth_(\d{3})$/.exec(code);
  if (auth) return `Identifiants HubEE de la plateforme refusés (HTTP ${auth[1]})`;
  const http = /^hubee_http_(\d{3})$/.exec(code);
  if (http) {
    const status = Number(http[1]);
    if (status === 403) return "HubEE a refusé l’accès (HTTP 403) : commune non abonnée à la démarche ?";
    if (status === 429) return "HubEE limite le débit (HTTP 429)";
    if (status >= 500) return `Erreur de HubEE (HTTP ${status})`;
    return `HubEE a refusé la requête (HTTP ${status})`;
  }
  return FIXED_LABELS[code] ?? code;
}
