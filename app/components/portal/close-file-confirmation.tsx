import { Form } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button, ButtonLink } from "~/components/dsfr/button";
import { CONFIRMED_FIELD } from "~/portal/family-files/family-status";

/**
 * The step between « Traité » and closing the file: the status is final once HubEE has it, so one
 * click must never do it. A plain form and a plain link, so that it works without JavaScript.
 */
export function CloseFileConfirmation({
  action,
  cancelTo,
  busy,
  announce,
}: {
  /** The file's own URL, without the confirmation's query, so that the page after is the file itself. */
  action: string;
  cancelTo: string;
  busy: boolean;
  /** Shown after a post that lacked the confirmation: announced, as nothing was changed. */
  announce?: boolean;
}) {
  return (
    <Alert
      type="warning"
      className="fr-mb-2w"
      role={announce ? "alert" : undefined}
      data-testid="confirmation-traite"
      title="Marquer ce dossier comme traité ?"
      description="La commune le signale à HubEE ; ce statut est définitif."
    >
      <Form method="post" action={action} className="fr-mt-2w">
        <input type="hidden" name="intent" value="traiter" />
        <input type="hidden" name={CONFIRMED_FIELD} value="1" />
        <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
          <li>
            <Button type="submit" disabled={busy}>
              Confirmer
            </Button>
          </li>
          <li>
            <ButtonLink to={cancelTo} priority="secondary">
              Annuler
            </ButtonLink>
          </li>
        </ul>
      </Form>
    </Alert>
  );
}
