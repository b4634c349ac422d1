import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Textarea } from "~/components/dsfr/textarea";
import { CloseFileConfirmation } from "~/components/portal/close-file-confirmation";
import { CONFIRMATION_PARAM, CONFIRMATION_VALUE, STATUS_ACTIONS } from "~/portal/family-files/family-status";
import type { FamilyFileView } from "./family-file-view.server";
import { MAX_REFUSAL_LENGTH } from "./family-file-forms";

/**
 * What can be done with the file in its status: take it in charge, then close it (« Traité », after
 * a confirmation) or refuse it with a reason for the citizen.
 */
export function TreatmentPanel({
  status,
  fileHref,
  fileBase,
  retour,
  confirming,
  unconfirmed,
  reasonError,
  typedReason,
  busy,
}: {
  status: FamilyFileView["family"]["status"];
  /** The file's address with the inbox query the agent came from. */
  fileHref: string;
  /** The file's address, without query. */
  fileBase: string;
  retour: string;
  /** The page was opened with the confirmation's query. */
  confirming: boolean;
  /** A post lacked the confirmation: it is shown, announced, as nothing was changed. */
  unconfirmed: boolean;
  reasonError: string | undefined;
  typedReason: string | undefined;
  busy: boolean;
}) {
  return (
    <>
      <h2>Traitement</h2>
      {status === "received" ? (
        <Form method="post" className="fr-mb-2w">
          <input type="hidden" name="intent" value="prendre" />
          <Button type="submit" disabled={busy}>
            {STATUS_ACTIONS.prendre.label}
          </Button>
        </Form>
      ) : null}
      {status === "in_progress" ? (
        <>
          {confirming || unconfirmed ? (
            <CloseFileConfirmation action={fileHref} cancelTo={fileHref} busy={busy} announce={unconfirmed} />
          ) : (
            // A GET to this page with the confirmation's query: no click closes the file by itself.
            <Form method="get" action={fileBase} className="fr-mb-2w">
              {retour ? <input type="hidden" name="retour" value={retour} /> : null}
              <input type="hidden" name={CONFIRMATION_PARAM} value={CONFIRMATION_VALUE} />
              <Button type="submit" disabled={busy}>
                {STATUS_ACTIONS.traiter.label}
              </Button>
            </Form>
          )}
          <Form method="post" className="fr-mb-2w">
            <input type="hidden" name="intent" value="refuser" />
            <Textarea
              name="message"
              label="Motif du refus"
              hint="Transmis au demandeur par HubEE"
              rows={3}
              required
              maxLength={MAX_REFUSAL_LENGTH}
              defaultValue={typedReason ?? ""}
              error={reasonError}
            />
            <Button type="submit" priority="secondary" disabled={busy}>
              Refuser
            </Button>
          </Form>
        </>
      ) : null}
      {status === "done" || status === "refused" ? <p>Ce dossier est clos pour la commune.</p> : null}
      {status === "error" ? <p>Ce télédossier n’a pas pu être intégré : aucune action n’est possible.</p> : null}
    </>
  );
}
