import { sql } from "drizzle-orm";

/*
 * The outbox keeps the technical message of a shipment's last failure (shipments.last_error,
 * written by app/citizen/shipment-delivery.server.ts from HubeeError messages). The operator view
 * groups failures by a stable code derived from it, and shows only that code: the message quotes
 * HubEE, which we do not control, so it never reaches a screen that must hold no personal data.
 * The codes' French labels are in ./delivery-errors (rendered in the browser too); the SQL stays
 * here, on the server.
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
