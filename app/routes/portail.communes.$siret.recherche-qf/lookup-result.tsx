import { Form, useNavigation } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { Table } from "~/components/dsfr/table";
import type { FoundPerson, FoundQuotient } from "./lookup-answer";

const PEOPLE_HEADERS = ["Nom et prénoms", "Date de naissance"];

const peopleRows = (people: FoundPerson[], prefix: string) =>
  people.map((m, i) => ({ key: `${prefix}${i}`, cells: [m.name, m.birthdate] }));

/** The QF found, the family it belongs to, and the form that saves it as a file of the commune. */
export function LookupResult({ found, sealed }: { found: FoundQuotient; sealed: string }) {
  const busy = useNavigation().state !== "idle";
  return (
    <section className="fr-mb-6w" aria-labelledby="resultat-titre">
      <h2 id="resultat-titre">Quotient familial trouvé</h2>
      <Table
        caption="Quotient familial"
        headers={["Quotient familial", "Mois", "Organisme"]}
        rows={[{ key: "qf", cells: [found.value, found.period, found.provider] }]}
      />
      <Table caption="Allocataires" headers={PEOPLE_HEADERS} rowHeaders rows={peopleRows(found.allocataires, "a")} />
      {found.enfants.length > 0 ? (
        <Table
          caption={`Enfants (${found.enfants.length})`}
          headers={PEOPLE_HEADERS}
          rowHeaders
          rows={peopleRows(found.enfants, "e")}
        />
      ) : (
        <p>Aucun enfant n’est déclaré dans ce dossier.</p>
      )}
      <Form method="post">
        <input type="hidden" name="resultat" value={sealed} />
        <p className="fr-hint-text">
          Si la personne a déjà un dossier dans la commune (même identité de naissance), le QF est ajouté à son
          historique ; sinon un dossier est créé. Le dossier est ensuite mis à jour par les campagnes annuelles.
        </p>
        <Button type="submit" name="intent" value="enregistrer" disabled={busy}>
          Enregistrer comme dossier de la commune
        </Button>
      </Form>
    </section>
  );
}
