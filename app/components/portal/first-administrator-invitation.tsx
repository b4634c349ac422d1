import { Form } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";

/**
 * The platform administrators' one way into a commune's access: inviting its first administrator,
 * for a commune that has none (ADR 022). Communes with an administrator are not offered.
 */
export function FirstAdministratorInvitation({
  communes,
  formKey,
  busy,
  collectivityId,
  email,
  error,
}: {
  communes: { id: string; name: string; departement: string }[];
  /** A new page (the redirect after an invitation) starts with an empty form; an answer keeps it. */
  formKey: string;
  busy: boolean;
  collectivityId?: string;
  email?: string;
  error?: string;
}) {
  return (
    <>
      <h2 className="fr-mt-6w">Inviter le premier administrateur d’une commune</h2>
      <p>
        D’ordinaire, le demandeur de l’habilitation DataPass est invité automatiquement. Utilisez ce formulaire pour une
        commune qui n’a pas, ou plus, d’administrateur ; une commune qui en a un invite elle-même ses agents.
      </p>
      {communes.length === 0 ? (
        <p>Toutes les communes ont un administrateur.</p>
      ) : (
        <Form method="post" key={formKey} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <input type="hidden" name="intent" value="invite-admin" />
          <Select
            className="fr-col-12 fr-col-md-4"
            name="collectivityId"
            label="Commune"
            placeholder="Sélectionner une commune"
            defaultValue={collectivityId ?? ""}
            required
            options={communes.map((commune) => ({
              value: commune.id,
              label: `${commune.name} (${commune.departement})`,
            }))}
          />
          <Input
            className="fr-col-12 fr-col-md-5"
            name="email"
            type="email"
            label="Adresse électronique"
            required
            autoComplete="off"
            defaultValue={email}
            error={error}
          />
          <div className="fr-col-12 fr-col-md-3 fr-mb-3w">
            <Button type="submit" disabled={busy}>
              Inviter
            </Button>
          </div>
        </Form>
      )}
    </>
  );
}
