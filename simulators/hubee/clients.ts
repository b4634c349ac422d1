import { DEMO_COMMUNES, DEMO_EDITOR_COMMUNES, DEMO_HUBEE_OSL } from "../demo-data.ts";
import type { OrganizationIdentifier, Scope } from "./model.ts";
import { PORTAIL_QF_OSL, organization } from "./organizations.ts";

/** An API client of HubEE: one per organisation and role (OSL sender or SI receiver). */
export interface HubeeClient {
  clientId: string;
  clientSecret: string;
  /** The only scope the client may ask for. */
  scope: Scope;
  organization: OrganizationIdentifier;
  name: string;
}

/**
 * Portail QF's sender credentials, every demo commune's SI credentials, and the
 * SI credentials a software editor uses for its commune (Nantes).
 * Rennes keeps valid SI credentials: it is subscribed to another démarche only,
 * so its queue works but it cannot receive FormulaireQF folders.
 */
export function demoClients(): HubeeClient[] {
  return [
    {
      clientId: DEMO_HUBEE_OSL.clientId,
      clientSecret: DEMO_HUBEE_OSL.clientSecret,
      scope: "OSL",
      organization: PORTAIL_QF_OSL,
      name: "Portail QF",
    },
    ...DEMO_COMMUNES.map((commune): HubeeClient => ({
      clientId: commune.hubeeSi.clientId,
      clientSecret: commune.hubeeSi.clientSecret,
      scope: "SI",
      organization: organization("SI", commune.siret, commune.codeCog),
      name: commune.name,
    })),
    ...DEMO_EDITOR_COMMUNES.map((commune): HubeeClient => ({
      clientId: commune.hubeeSi.clientId,
      clientSecret: commune.hubeeSi.clientSecret,
      scope: "SI",
      organization: organization("SI", commune.siret, commune.codeCog),
      name: `${commune.editor} (${commune.name})`,
    })),
  ];
}
