import { Table } from "~/components/dsfr/table";
import type { FamilyFileView } from "./family-file-view.server";

/** The household as the CAF or MSA knows it: its beneficiaries, children and address. */
export function HouseholdSection({ family }: { family: FamilyFileView["family"] }) {
  return (
    <>
      <h2>Allocataires</h2>
      {family.allocataires.length === 0 ? (
        <p>Aucun allocataire.</p>
      ) : (
        <Table
          caption="Allocataires"
          hideCaption
          size="sm"
          rowHeaders
          headers={["Nom et prénoms", "Date de naissance", "Sexe"]}
          rows={family.allocataires.map((m, i) => ({ key: String(i), cells: [m.name, m.birthdate, m.sex] }))}
        />
      )}
      <h2>Enfants</h2>
      {family.enfants.length === 0 ? (
        <p>Aucun enfant déclaré.</p>
      ) : (
        <Table
          caption="Enfants"
          hideCaption
          size="sm"
          rowHeaders
          headers={["Nom et prénoms", "Date de naissance", "Âge", "Sexe"]}
          rows={family.enfants.map((m, i) => ({ key: String(i), cells: [m.name, m.birthdate, m.age, m.sex] }))}
        />
      )}
      <h2>Adresse</h2>
      {family.address ? (
        <address>
          {family.address.map((line, i) => (
            <span key={i}>
              {line}
              <br />
            </span>
          ))}
        </address>
      ) : (
        <p>Adresse non transmise.</p>
      )}
    </>
  );
}
