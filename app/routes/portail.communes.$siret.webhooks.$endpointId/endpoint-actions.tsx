import { Form } from "@remix-run/react";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import type { EndpointPage } from "./endpoint-page.server";

/** Test, rotate the secret, disable, delete; then what the secret's dates and the last success say. */
export function EndpointActions({ endpoint, busy }: { endpoint: EndpointPage["endpoint"]; busy: boolean }) {
  return (
    <section className="fr-mt-4w" aria-labelledby="webhook-actions">
      <h2 id="webhook-actions">Actions</h2>
      <Form method="post">
        <ButtonsGroup inline="sm">
          <li>
            <Button type="submit" name="intent" value="test" priority="secondary" disabled={busy}>
              Envoyer un événement de test
            </Button>
          </li>
          <li>
            <Button type="submit" name="intent" value="rotate" priority="secondary" disabled={busy}>
              Renouveler le secret
            </Button>
          </li>
          {endpoint.status === "active" ? (
            <li>
              <Button type="submit" name="intent" value="disable" priority="tertiary" disabled={busy}>
                Désactiver
              </Button>
            </li>
          ) : null}
          <li>
            <Button type="submit" name="intent" value="delete" priority="tertiary" disabled={busy}>
              Supprimer le webhook
            </Button>
          </li>
        </ButtonsGroup>
      </Form>
      <p className="fr-text--sm">
        {endpoint.secretRotatedAt ? `Secret renouvelé le ${endpoint.secretRotatedAt}. ` : null}
        {endpoint.previousSecretValidUntil
          ? `L’ancien secret signe encore les envois jusqu’au ${endpoint.previousSecretValidUntil}.`
          : null}
        {endpoint.lastSuccessAt ? ` Dernier envoi réussi le ${endpoint.lastSuccessAt}.` : null}
      </p>
    </section>
  );
}
