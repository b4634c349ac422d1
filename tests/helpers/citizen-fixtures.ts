import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { PivotIdentity } from "../../app/domain/pivot-identity.ts";
import type { QuotientFamilialData } from "../../app/domain/quotient-familial.ts";
import { createHubeeClient } from "../../app/integrations/hubee/client.server.ts";
import { createHubeeSender } from "../../app/integrations/hubee/sender.server.ts";
import { createHubeeTokenProvider } from "../../app/integrations/hubee/token.server.ts";
import type { Database } from "../../db/client.ts";
import { collectivities } from "../../db/schema/index.ts";
import type { RunningSimulators } from "../../simulators/server.ts";
import { DEMO_HUBEE_OSL } from "../../simulators/demo-data.ts";

/** Angela Dubois, the FranceConnect test user `test`, as the app derives her pivot identity. */
export const ANGELA: PivotIdentity = {
  familyName: "DUBOIS",
  givenNames: ["Angela", "Claire", "Louise"],
  gender: "female",
  birthdate: "1962-08-24",
  birthplace: "75107",
  birthcountry: "99100",
};

export const ANGELA_QF: QuotientFamilialData = {
  allocataires: [
    {
      nom_naissance: "DUBOIS",
      nom_usage: null,
      prenoms: "ANGELA CLAIRE LOUISE",
      date_naissance: "1962-08-24",
      sexe: "F",
    },
  ],
  enfants: [],
  adresse: {
    destinataire: "MADAME DUBOIS ANGELA",
    complement_information: null,
    complement_information_geographique: null,
    numero_libelle_voie: "20 AVENUE DE SEGUR",
    lieu_dit: null,
    code_postal_ville: "75007 PARIS",
    pays: "FRANCE",
  },
  quotient_familial: { fournisseur: "CNAF", valeur: 4270, annee: 2026, mois: 10, annee_calcul: 2026, mois_calcul: 10 },
};

export const randomKey = () => crypto.randomBytes(32);

export async function collectivityByName(db: Database, name: string) {
  const [row] = await db.select().from(collectivities).where(eq(collectivities.name, name));
  if (!row) throw new Error(`demo collectivity ${name} missing`);
  return row;
}

/** The app's HubEE sender (OSL credentials) pointed at the simulators. */
export function senderFor(simulators: RunningSimulators) {
  const tokens = createHubeeTokenProvider({
    tokenUrl: simulators.hubeeTokenUrl,
    clientId: DEMO_HUBEE_OSL.clientId,
    clientSecret: DEMO_HUBEE_OSL.clientSecret,
    scope: "OSL",
  });
  return createHubeeSender(createHubeeClient({ apiUrl: simulators.hubeeApiUrl, tokens }));
}
