/*
 * French labels of the delivery error codes the platform dashboard groups failed shipments by
 * (the codes come from ./delivery-errors.server, which derives them in SQL from shipments.last_error).
 * Not a .server module: the labels are rendered in the browser too; no SQL here.
 */

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
