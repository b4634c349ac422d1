import { Form } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button, ButtonsGroup } from "~/components/dsfr/button";

/** The second step of « Supprimer » (no JavaScript needed): confirm or keep the webhook. */
export function DeleteConfirmation({ busy }: { busy: boolean }) {
  return (
    <div className="fr-mb-4w">
      <Alert
        type="warning"
        role="alert"
        title="Supprimer ce webhook ?"
        titleAs="h2"
        className="fr-mb-2w"
        description="Les envois en attente et le journal des envois seront effacés. Le logiciel de la commune ne recevra plus aucun événement à cette adresse."
      />
      <Form method="post">
        <ButtonsGroup inline="sm">
          <li>
            <Button type="submit" name="intent" value="delete-confirmed" disabled={busy}>
              Confirmer la suppression
            </Button>
          </li>
          <li>
            <Button type="submit" name="intent" value="keep" priority="secondary" disabled={busy}>
              Annuler
            </Button>
          </li>
        </ButtonsGroup>
      </Form>
    </div>
  );
}

/** Why the endpoint was disabled, and the button that turns it back on. */
export function DisabledEndpoint({ notice, busy }: { notice: string; busy: boolean }) {
  return (
    <div className="fr-mb-4w">
      <Alert
        type="warning"
        title="Ce webhook est désactivé"
        titleAs="h2"
        className="fr-mb-2w"
        description={`${notice} Vérifiez l’adresse, envoyez un événement de test, puis réactivez-le.`}
      />
      <Form method="post">
        <Button type="submit" name="intent" value="enable" disabled={busy}>
          Réactiver le webhook
        </Button>
      </Form>
    </div>
  );
}
