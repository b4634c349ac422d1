import { Form } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import type { SectionAnswer } from "./settings-actions.server";
import type { SettingsPage } from "./settings-page.server";

/** The contact details families see on the commune's public page. */
export function PublicPageForm({
  publicPage,
  formKey,
  answer,
  busy,
}: {
  publicPage: SettingsPage["publicPage"];
  formKey: string;
  answer: SectionAnswer | null;
  busy: boolean;
}) {
  return (
    <section className="fr-mt-6w" aria-labelledby="page-publique-titre">
      <h2 id="page-publique-titre">Page publique de la commune</h2>
      <p>Ces coordonnées sont montrées aux familles sur la page de la commune, pour toute question sur le service.</p>
      {answer ? (
        <Alert type={answer.result.level} small announce description={answer.result.message} className="fr-mb-3w" />
      ) : null}
      <Form method="post" key={formKey} className="fr-col-12 fr-col-md-8 fr-px-0">
        <Input
          name="contactEmail"
          type="email"
          label="Adresse électronique de contact"
          hint="Exemple : accueil@mairie-exemple.fr"
          defaultValue={answer?.values.contactEmail ?? publicPage.contactEmail ?? ""}
          error={answer?.errors.contactEmail}
          autoComplete="off"
        />
        <Input
          name="contactPhone"
          type="tel"
          label="Téléphone"
          hint="Exemple : 02 41 05 40 00"
          defaultValue={answer?.values.contactPhone ?? publicPage.contactPhone ?? ""}
          error={answer?.errors.contactPhone}
          autoComplete="off"
        />
        <Input
          name="website"
          type="url"
          label="Site internet"
          hint="Exemple : https://www.mairie-exemple.fr"
          defaultValue={answer?.values.website ?? publicPage.website ?? ""}
          error={answer?.errors.website}
          autoComplete="off"
        />
        <Button type="submit" name="intent" value="save-public-page" disabled={busy}>
          Enregistrer
        </Button>
      </Form>
    </section>
  );
}
