import { Form, useLocation } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";

const ROLE_OPTIONS = [
  { value: "agent", label: "Agent" },
  { value: "admin", label: "Administrateur" },
];

/**
 * The invitation form. Keyed by the location: the page the browser is redirected to after an
 * invitation starts with an empty form, while an address in error is kept to be corrected.
 */
export function InviteForm({
  invitationDays,
  busy,
  email,
  role = "agent",
  error,
}: {
  invitationDays: number;
  busy: boolean;
  email?: string;
  role?: string;
  error?: string;
}) {
  const { key } = useLocation();
  return (
    <section className="fr-mb-6w" aria-labelledby="inviter-titre">
      <h2 id="inviter-titre">Inviter un agent</h2>
      <p>
        Saisissez l’adresse électronique professionnelle de votre collègue, celle de son compte ProConnect. Aucun
        courriel n’est envoyé : prévenez-le. À sa prochaine connexion, il aura accès à l’espace. L’invitation vaut{" "}
        {invitationDays} jours.
      </p>
      <Form method="post" key={key} className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
        <input type="hidden" name="intent" value="invite" />
        <Input
          className="fr-col-12 fr-col-md-6"
          name="email"
          type="email"
          label="Adresse électronique"
          hint="Exemple : prenom.nom@mairie-exemple.fr"
          required
          autoComplete="off"
          defaultValue={email}
          error={error}
        />
        <Select className="fr-col-12 fr-col-md-3" name="role" label="Rôle" options={ROLE_OPTIONS} defaultValue={role} />
        <div className="fr-col-12 fr-col-md-3 fr-mb-3w">
          <Button type="submit" disabled={busy}>
            Inviter
          </Button>
        </div>
      </Form>
    </section>
  );
}
