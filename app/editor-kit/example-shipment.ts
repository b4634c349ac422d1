import type { ShipmentData } from "~/formulaire-qf/types";

/**
 * The transmission shown to software editors as an example: FranceConnect's public integration
 * test user `test` (Angela Claire Louise DUBOIS) with the CNAF answer of API Particulier's staging
 * for her, plus an invented child so the arrays are not empty. Nobody real: safe to publish.
 */
export const EXAMPLE_SHIPMENT: ShipmentData = {
  reference: "0A1B2C3D4E5F6",
  externalId: "DOSSIER-42",
  collectivity: { name: "Angers", siret: "21490007900010", codeCog: "49007" },
  pivotIdentity: {
    familyName: "DUBOIS",
    givenNames: ["Angela", "Claire", "Louise"],
    gender: "female",
    birthdate: "1962-08-24",
    birthplace: "75107",
    birthcountry: "99100",
  },
  quotientFamilial: {
    allocataires: [
      {
        nom_naissance: "DUBOIS",
        nom_usage: null,
        prenoms: "ANGELA CLAIRE LOUISE",
        date_naissance: "1962-08-24",
        sexe: "F",
      },
    ],
    enfants: [
      {
        nom_naissance: "DUBOIS",
        nom_usage: null,
        prenoms: "LUCIE",
        date_naissance: "2016-00-00",
        sexe: "F",
      },
    ],
    adresse: {
      destinataire: "Madame DUBOIS ANGELA",
      complement_information: null,
      complement_information_geographique: null,
      numero_libelle_voie: "1 RUE MONTORGUEIL",
      lieu_dit: null,
      code_postal_ville: "75002 PARIS",
      pays: "FRANCE",
    },
    quotient_familial: { fournisseur: "CNAF", valeur: 2550, annee: 2024, mois: 2, annee_calcul: 2024, mois_calcul: 3 },
  },
  createdAt: "2025-11-26T16:15:00.000Z",
};
