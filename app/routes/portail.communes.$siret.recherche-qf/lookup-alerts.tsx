import { Link } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import type { Flash } from "~/http/flash";
import type { OutcomeMessage } from "~/portal/qf-lookup/outcome-messages";

/** After a save (Post/Redirect/Get): where the QF went, and a link to that file. */
export function SavedAlert({ flash, fileHref }: { flash: Flash; fileHref: string | null }) {
  return (
    <Alert
      type={flash.level}
      small
      announce
      className="fr-mb-4w"
      description={
        <>
          {flash.message} {fileHref ? <Link to={fileHref}>Ouvrir le dossier famille</Link> : null}
        </>
      }
    />
  );
}

/**
 * A search without a QF: what happened and what to try. `settingsHref` for administrators, who
 * can fix the commune's token; the others are told whom to ask.
 */
export function OutcomeAlert({ message, settingsHref }: { message: OutcomeMessage; settingsHref: string | null }) {
  return (
    <Alert
      type={message.level}
      className="fr-mb-4w"
      role="alert"
      titleAs="h2"
      title={message.title}
      description={message.description}
    >
      {message.advice ? (
        <ul>
          {message.advice.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      ) : null}
      {message.settingsLink ? (
        <p>
          {settingsHref ? (
            <Link to={settingsHref}>Ouvrir les paramètres de la commune</Link>
          ) : (
            "Prévenez un administrateur de la commune (page « Paramètres »)."
          )}
        </p>
      ) : null}
    </Alert>
  );
}
