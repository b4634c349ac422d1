import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";

/**
 * Completing a commune DataPass left pending (no usable INSEE code), or adding one by hand: the
 * SIRET and the INSEE code; the name and the département are read from the COG.
 */
export function CommuneCompletionForm({
  formKey,
  busy,
  values,
  errors,
}: {
  formKey: string;
  busy: boolean;
  values?: { siret?: string; codeCog?: string; editor?: string };
  errors?: { siret?: string; codeCog?: string };
}) {
  return (
    <>
      <h2 className="fr-mt-6w">Compléter ou ajouter une commune</h2>
      <p>
        Pour une commune que DataPass a laissée « À compléter », ou qu’il faut ajouter à la main : son nom et son
        département viennent du code INSEE (Code officiel géographique). La commune devient active.
      </p>
      <Form method="post" key={formKey} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <input type="hidden" name="intent" value="complete-commune" />
        <Input
          className="fr-col-12 fr-col-md-4"
          name="siret"
          label="SIRET"
          hint="14 chiffres"
          inputMode="numeric"
          required
          autoComplete="off"
          defaultValue={values?.siret}
          error={errors?.siret}
        />
        <Input
          className="fr-col-12 fr-col-md-3"
          name="codeCog"
          label="Code INSEE de la commune"
          hint="5 caractères, par exemple 49007"
          required
          autoComplete="off"
          defaultValue={values?.codeCog}
          error={errors?.codeCog}
        />
        <Input
          className="fr-col-12 fr-col-md-3"
          name="editor"
          label="Logiciel (facultatif)"
          hint="Vide : la commune utilise le portail"
          autoComplete="off"
          defaultValue={values?.editor}
        />
        <div className="fr-col-12 fr-col-md-2 fr-mb-3w">
          <Button type="submit" disabled={busy}>
            Enregistrer
          </Button>
        </div>
      </Form>
    </>
  );
}
