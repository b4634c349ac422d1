-- hand-written (issue 20): the stable code of a shipment's last error, derived once when the message
-- is written (a stored generated column) instead of by regular expressions over every failed
-- shipment on each view of the platform dashboard. The messages come from HubeeError and the
-- delivery worker (app/citizen/shipment-delivery.server.ts); the first matching rule wins; the
-- French labels are in app/portal/dashboards/delivery-errors.ts. STRICT: no message, no code.
CREATE FUNCTION "shipment_error_code"(message text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE
    WHEN message ~ '^Authentification HubEE refusée \(HTTP [0-9]{3}\)'
      THEN 'hubee_auth_' || substring(message from '^Authentification HubEE refusée \(HTTP ([0-9]{3})\)')
    WHEN message LIKE 'Service d''authentification HubEE injoignable%' THEN 'hubee_auth_injoignable'
    WHEN message ~ '^HubEE a refusé .*\(HTTP [0-9]{3}\)'
      THEN 'hubee_http_' || substring(message from '^HubEE a refusé .*?\(HTTP ([0-9]{3})\)')
    WHEN message LIKE 'HubEE injoignable%' THEN 'hubee_injoignable'
    WHEN message LIKE 'Réponse%HubEE illisible%' THEN 'hubee_reponse_illisible'
    WHEN message LIKE '%Contenu de la transmission absent%' THEN 'contenu_purge'
    WHEN message LIKE '%Pièce jointe%absente du dossier HubEE%' THEN 'piece_jointe_absente'
    ELSE 'autre'
  END;--> statement-breakpoint
DROP INDEX "shipments_problems_idx";--> statement-breakpoint
ALTER TABLE "shipments" ADD COLUMN "error_code" text GENERATED ALWAYS AS (shipment_error_code(last_error)) STORED;--> statement-breakpoint
CREATE INDEX "shipments_problems_idx" ON "shipments" USING btree ("collectivity_id","error_code","status","attempts","next_attempt_at","failed_at","created_at") WHERE "shipments"."status" = 'failed' or ("shipments"."status" = 'pending' and "shipments"."last_error" is not null);