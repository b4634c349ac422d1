import { Form } from "@remix-run/react";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { ConnectionTestAlert } from "~/components/portal/connection-test-alert";
import type { SectionAnswer } from "./settings-actions.server";
import type { SettingsPage } from "./settings-page.server";

/** The commune's HubEE "SI" credentials: saved sealed, tested against HubEE's token endpoint. */
export function HubeeCredentialsForm({
  hubeeSi,
  formKey,
  answer,
  busy,
}: {
  hubeeSi: SettingsPage["hubeeSi"];
  formKey: string;
  answer: SectionAnswer | null;
  busy: boolean;
}) {
  return (
    <section className="fr-mt-6w" aria-labelledby="hubee-titre">
      <h2 id="hubee-titre">Réception des dossiers (HubEE)</h2>
      <p>Les identifiants de l’accès « SI » de la commune pour la démarche FormulaireQF, fournis par HubEE.</p>
      <ConnectionTestAlert result={answer?.result ?? null} />
      <Form method="post" key={formKey} className="fr-col-12 fr-col-md-8 fr-px-0">
        <Input
          name="hubeeSiClientId"
          label="Identifiant client"
          defaultValue={answer?.values.hubeeSiClientId ?? hubeeSi.clientId ?? ""}
          error={answer?.errors.hubeeSiClientId}
          autoComplete="off"
          spellCheck={false}
        />
        <Input
          name="hubeeSiSecret"
          type="password"
          label="Secret"
          hint={
            hubeeSi.secretConfiguredOn
              ? `Configuré le ${hubeeSi.secretConfiguredOn}. Laissez vide pour le conserver.`
              : "Non configuré."
          }
          error={answer?.errors.hubeeSiSecret}
          autoComplete="new-password"
          spellCheck={false}
        />
        <ButtonsGroup inline="sm">
          <li>
            <Button type="submit" name="intent" value="save-hubee" disabled={busy}>
              Enregistrer
            </Button>
          </li>
          <li>
            <Button type="submit" name="intent" value="test-hubee" priority="secondary" disabled={busy}>
              Tester la connexion
            </Button>
          </li>
        </ButtonsGroup>
      </Form>
    </section>
  );
}
