import { Form } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { Textarea } from "~/components/dsfr/textarea";
import type { SectionAnswer } from "./settings-actions.server";
import type { SettingsPage } from "./settings-page.server";

/** The commune's website origins, where families may be sent back at the end of the procedure. */
export function RedirectOriginsForm({
  origins,
  refusedOrigins,
  allowHttp,
  formKey,
  answer,
  busy,
}: {
  origins: string[];
  refusedOrigins: SettingsPage["refusedOrigins"];
  allowHttp: boolean;
  formKey: string;
  answer: SectionAnswer | null;
  busy: boolean;
}) {
  return (
    <section className="fr-mt-6w" aria-labelledby="origines-titre">
      <h2 id="origines-titre">Site de la commune</h2>
      <p>
        Si le portail famille de la commune envoie les familles vers Portail QF, indiquez ici son adresse : à la fin de
        la démarche, les familles pourront y revenir. Les autres adresses de retour sont refusées.
      </p>
      {answer ? (
        <Alert type={answer.result.level} small announce description={answer.result.message} className="fr-mb-3w" />
      ) : null}
      <Form method="post" key={formKey} className="fr-col-12 fr-col-md-8 fr-px-0">
        <Textarea
          name="redirectOrigins"
          label="Origines autorisées"
          hint={`Une par ligne, sans chemin : par exemple https://www.mairie-exemple.fr${allowHttp ? " (http:// accepté en démonstration)" : ""}.`}
          rows={4}
          spellCheck={false}
          defaultValue={answer?.values.redirectOrigins ?? origins.join("\n")}
          error={answer?.errors.redirectOrigins}
        />
        <Button type="submit" name="intent" value="save-origins" disabled={busy}>
          Enregistrer
        </Button>
      </Form>
      {refusedOrigins.length > 0 ? (
        <>
          <h3 className="fr-h6 fr-mt-4w" id="origines-refusees">
            Adresses de retour refusées récemment
          </h3>
          <p>
            Des liens vers la démarche demandaient de renvoyer les familles vers ces sites, qui ne sont pas dans la
            liste ci-dessus : ces familles n’ont pas eu de bouton de retour. Ajoutez l’origine si le site est bien celui
            de la commune.
          </p>
          <ul aria-labelledby="origines-refusees" data-testid="origines-refusees">
            {refusedOrigins.map((refused) => (
              <li key={refused.origin}>
                <code>{refused.origin}</code> : {refused.count === 1 ? "1 fois" : `${refused.count} fois`}, la dernière
                le {refused.lastSeen}
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}
