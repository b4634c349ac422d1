import { Form } from "@remix-run/react";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { ConnectionTestAlert } from "~/components/portal/connection-test-alert";
import type { SectionAnswer } from "./settings-actions.server";
import type { SettingsPage } from "./settings-page.server";

/** The commune's API Particulier token: saved sealed, tested with one paced call. */
export function ApiParticulierTokenForm({
  apiParticulier,
  formKey,
  answer,
  busy,
}: {
  apiParticulier: SettingsPage["apiParticulier"];
  formKey: string;
  answer: SectionAnswer | null;
  busy: boolean;
}) {
  return (
    <section className="fr-mt-6w" aria-labelledby="api-particulier-titre">
      <h2 id="api-particulier-titre">Jeton API Particulier</h2>
      <p>
        Le jeton de l’habilitation « quotient familial » de la commune. Il sert aux mises à jour des quotients familiaux
        et aux recherches faites par les agents.
      </p>
      <ConnectionTestAlert result={answer?.result ?? null} />
      <Form method="post" key={formKey} className="fr-col-12 fr-col-md-8 fr-px-0">
        <Input
          name="apiParticulierToken"
          type="password"
          label="Jeton"
          hint={
            apiParticulier.tokenConfiguredOn
              ? `Configuré le ${apiParticulier.tokenConfiguredOn}. Laissez vide pour tester le jeton enregistré.`
              : "Non configuré."
          }
          error={answer?.errors.apiParticulierToken}
          autoComplete="new-password"
          spellCheck={false}
        />
        <ButtonsGroup inline="sm">
          <li>
            <Button type="submit" name="intent" value="save-api-particulier" disabled={busy}>
              Enregistrer
            </Button>
          </li>
          <li>
            <Button type="submit" name="intent" value="test-api-particulier" priority="secondary" disabled={busy}>
              Tester la connexion
            </Button>
          </li>
        </ButtonsGroup>
      </Form>
    </section>
  );
}
