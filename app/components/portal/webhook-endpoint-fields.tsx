import { Alert } from "~/components/dsfr/alert";
import type { ErrorSummaryItem } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { cx } from "~/components/dsfr/shared";
import { WEBHOOK_EVENT_LABELS, WEBHOOK_EVENT_TYPES } from "~/webhooks/event-types";

export interface EndpointFieldValues {
  url: string;
  description: string;
  events: string[];
}

export type EndpointFieldErrors = Partial<Record<"url" | "description" | "events", string>>;

const EVENT_HINTS: Record<(typeof WEBHOOK_EVENT_TYPES)[number], string> = {
  "dossier.recu": "Une famille a transmis son QF : identité pivot, QF et référence du dossier.",
  "qf.mis_a_jour": "Le QF d’un dossier a changé (nouvelle transmission ou mise à jour annuelle), ancien et nouveau.",
  "campagne.terminee": "Une campagne de mise à jour des QF est terminée ou arrêtée, avec ses résultats.",
};

/** The fields of an endpoint (address, description, events), for creation and edition. */
export function WebhookEndpointFields({
  values,
  errors,
  demoMode,
  idPrefix = "",
}: {
  values: EndpointFieldValues;
  errors: EndpointFieldErrors;
  demoMode: boolean;
  idPrefix?: string;
}) {
  const eventsId = `${idPrefix}events`;
  return (
    <>
      <Input
        name="url"
        id={`${idPrefix}url`}
        type="url"
        label="Adresse de réception"
        hint={`Exemple : https://sig.mairie-exemple.fr/portail-qf/evenements${demoMode ? " (http:// accepté en démonstration)" : ""}`}
        defaultValue={values.url}
        error={errors.url}
        autoComplete="off"
        spellCheck={false}
        required
      />
      <Input
        name="description"
        id={`${idPrefix}description`}
        label="Description (facultative)"
        hint="Pour vous y retrouver : le logiciel ou le service qui reçoit."
        defaultValue={values.description}
        error={errors.description}
        autoComplete="off"
      />
      <fieldset
        className={cx("fr-fieldset", errors.events && "fr-fieldset--error")}
        id={eventsId}
        aria-labelledby={`${eventsId}-legend ${eventsId}-messages`}
      >
        <legend className="fr-fieldset__legend fr-fieldset__legend--regular" id={`${eventsId}-legend`}>
          Événements envoyés
        </legend>
        {WEBHOOK_EVENT_TYPES.map((type) => (
          <div className="fr-fieldset__element" key={type}>
            <div className="fr-checkbox-group">
              <input
                type="checkbox"
                id={`${eventsId}-${type}`}
                name="events"
                value={type}
                defaultChecked={values.events.includes(type)}
              />
              <label className="fr-label" htmlFor={`${eventsId}-${type}`}>
                {WEBHOOK_EVENT_LABELS[type]} (<code>{type}</code>)
                <span className="fr-hint-text">{EVENT_HINTS[type]}</span>
              </label>
            </div>
          </div>
        ))}
        <div className="fr-messages-group" id={`${eventsId}-messages`} aria-live="polite">
          {errors.events ? <p className="fr-message fr-message--error">{errors.events}</p> : null}
        </div>
      </fieldset>
    </>
  );
}

const FIELD_LABELS = { url: "Adresse de réception", description: "Description", events: "Événements envoyés" };

/** The errors of a refused submission for an error summary, each linking to its field (the first box for the events). */
export function endpointErrorItems(errors: EndpointFieldErrors, idPrefix = ""): ErrorSummaryItem[] {
  return (["url", "description", "events"] as const).flatMap((field) => {
    const message = errors[field];
    if (!message) return [];
    const fieldId = field === "events" ? `${idPrefix}events-${WEBHOOK_EVENT_TYPES[0]}` : `${idPrefix}${field}`;
    return [{ fieldId, label: FIELD_LABELS[field], message }];
  });
}

/** A secret, shown once after creation or rotation. */
export function WebhookSecretReveal({ secret, rotated }: { secret: string; rotated: boolean }) {
  return (
    <Alert
      type="success"
      className="fr-mb-4w"
      role="status"
      titleAs="h2"
      title={rotated ? "Nouveau secret de signature" : "Secret de signature"}
      description={`Copiez-le maintenant dans le logiciel qui reçoit les événements : il ne sera plus jamais affiché.${
        rotated ? " L’ancien secret reste valable 24 heures : chaque envoi porte les deux signatures." : ""
      }`}
    >
      <Input
        name="secret"
        id="webhook-secret"
        label="Secret"
        value={secret}
        readOnly
        spellCheck={false}
        autoComplete="off"
        className="fr-mb-0"
      />
    </Alert>
  );
}

export function readEndpointForm(form: FormData): EndpointFieldValues {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value : "";
  };
  return {
    url: text("url"),
    description: text("description"),
    events: form.getAll("events").filter((v): v is string => typeof v === "string"),
  };
}
