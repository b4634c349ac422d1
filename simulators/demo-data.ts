/**
 * The demo world the simulators serve. The application's demo seed (db/seed) holds
 * the same communes and credentials on its side, since the app must never import
 * this file: tests/integration/demo-agents.test.ts checks that the agents and the
 * portal communes' credentials agree, tests/integration/demo-data.test.ts that the
 * communes agree and that HubEE subscribes every active one but Rennes.
 */

export const DEFAULT_APP_URL = "http://localhost:3000";

export interface DemoCommune {
  name: string;
  siret: string;
  codeCog: string;
  departement: string;
  /** Subscribed to the FormulaireQF démarche in HubEE (receives folders). */
  hubeeSubscribed: boolean;
  /** SI credentials of the commune for HubEE (receiving side). */
  hubeeSi: { clientId: string; clientSecret: string };
  /** The commune's own API Particulier token (QF habilitation). */
  apiParticulierToken: string;
}

/**
 * Communes without a software editor: they receive their folders in the portal,
 * which holds their SI credentials and API Particulier token (db/seed/demo-agents.ts).
 */
export const DEMO_COMMUNES: DemoCommune[] = [
  {
    name: "Angers",
    siret: "21490007900010",
    codeCog: "49007",
    departement: "49",
    hubeeSubscribed: true,
    hubeeSi: { clientId: "si-49007", clientSecret: "si-49007-demo-secret" },
    apiParticulierToken: "demo-api-particulier-49007",
  },
  {
    name: "Besançon",
    siret: "21250056300011",
    codeCog: "25056",
    departement: "25",
    hubeeSubscribed: true,
    hubeeSi: { clientId: "si-25056", clientSecret: "si-25056-demo-secret" },
    apiParticulierToken: "demo-api-particulier-25056",
  },
  {
    name: "Pau",
    siret: "21640445000019",
    codeCog: "64445",
    departement: "64",
    hubeeSubscribed: true,
    hubeeSi: { clientId: "si-64445", clientSecret: "si-64445-demo-secret" },
    apiParticulierToken: "demo-api-particulier-64445",
  },
  {
    name: "Ajaccio",
    siret: "21200004000015",
    codeCog: "2A004",
    departement: "2A",
    hubeeSubscribed: true,
    hubeeSi: { clientId: "si-2A004", clientSecret: "si-2A004-demo-secret" },
    apiParticulierToken: "demo-api-particulier-2A004",
  },
  {
    // Active in the app but not subscribed in HubEE: exercises the 400
    // "does not suscribed" error of POST /folders.
    name: "Rennes",
    siret: "21350238000016",
    codeCog: "35238",
    departement: "35",
    hubeeSubscribed: false,
    hubeeSi: { clientId: "si-35238", clientSecret: "si-35238-demo-secret" },
    apiParticulierToken: "demo-api-particulier-35238",
  },
];

/** A commune whose software editor receives its folders from HubEE, outside the portal. */
export interface DemoEditorCommune {
  name: string;
  siret: string;
  codeCog: string;
  departement: string;
  /** The editor, as the app seeds it in collectivities.editor. */
  editor: string;
  /**
   * SI credentials of the editor's software for this commune (HubEE organisation
   * SI-<siret>-<codeCog>). The portal does not hold them: it must not poll this queue.
   */
  hubeeSi: { clientId: string; clientSecret: string };
}

/** Subscribed to FormulaireQF like the portal communes; no portal agent, no portal credentials. */
export const DEMO_EDITOR_COMMUNES: DemoEditorCommune[] = [
  {
    name: "Nantes",
    siret: "21440109000011",
    codeCog: "44109",
    departement: "44",
    editor: "Arpège",
    hubeeSi: { clientId: "arpege-44109", clientSecret: "arpege-44109-demo-secret" },
  },
];

/** Sender (OSL) credentials of Portail QF itself. */
export const DEMO_HUBEE_OSL = {
  clientId: "portail-qf-osl",
  clientSecret: "portail-qf-osl-demo-secret",
  /** The sender organisation (DINUM-like SIRET, Paris COG). */
  siret: "13002526500013",
  codeCog: "75107",
};

/** A second démarche sharing the communes' notification queues: clients must leave it alone. */
export const FOREIGN_PROCESS_CODE = "DemandeActeNaissance";

export function demoFranceConnectClient(appUrl = DEFAULT_APP_URL) {
  return {
    clientId: "portail-qf-demo",
    clientSecret: "portail-qf-demo-franceconnect-secret",
    // The national form's URIs too: a deployment may keep them (FRANCECONNECT_LEGACY_CALLBACKS).
    redirectUris: [`${appUrl}/auth/franceconnect/callback`, `${appUrl}/callback`],
    postLogoutRedirectUris: [`${appUrl}/auth/franceconnect/logout-callback`, `${appUrl}/logout-callback`],
  };
}

export function demoProConnectClient(appUrl = DEFAULT_APP_URL) {
  return {
    clientId: "portail-qf-demo-agents",
    clientSecret: "portail-qf-demo-proconnect-secret",
    redirectUris: [`${appUrl}/portail/auth/callback`],
    postLogoutRedirectUris: [`${appUrl}/portail/auth/logout-callback`],
  };
}

export interface DemoAgent {
  /** Login shown on the simulator's page. */
  email: string;
  given_name: string;
  usual_name: string;
  uid: string;
  siret: string;
  idp_id: string;
  organization_label: string;
  /** Free text shown on the login page so demo users know whom they pick. */
  role: string;
}

export const DEMO_AGENTS: DemoAgent[] = [
  {
    email: "claire.lefebvre@angers.fr",
    given_name: "Claire",
    usual_name: "Lefebvre",
    uid: "agent-angers-admin",
    siret: "21490007900010",
    idp_id: "fia1v2",
    organization_label: "Commune d'Angers",
    role: "Administratrice de la commune d'Angers",
  },
  {
    email: "paul.durand@angers.fr",
    given_name: "Paul",
    usual_name: "Durand",
    uid: "agent-angers-1",
    siret: "21490007900010",
    idp_id: "fia1v2",
    organization_label: "Commune d'Angers",
    role: "Agent de la commune d'Angers",
  },
  {
    email: "sophie.bernard@besancon.fr",
    given_name: "Sophie",
    usual_name: "Bernard",
    uid: "agent-besancon-admin",
    siret: "21250056300011",
    idp_id: "fia1v2",
    organization_label: "Commune de Besançon",
    role: "Administratrice de la commune de Besançon",
  },
  {
    email: "luc.moreau@pau.fr",
    given_name: "Luc",
    usual_name: "Moreau",
    uid: "agent-pau-admin",
    siret: "21640445000019",
    idp_id: "fia1v2",
    organization_label: "Commune de Pau",
    role: "Administrateur de la commune de Pau",
  },
  {
    // ProConnect substituted a default SIRET (the identity provider did not know
    // the agent's organisation): the claim alone must never grant access.
    email: "nouvel.agent@ajaccio.fr",
    given_name: "Antoine",
    usual_name: "Santoni",
    uid: "agent-ajaccio-substituted",
    siret: "13002526500013",
    idp_id: "fia1v2",
    organization_label: "Organisation par défaut",
    role: "Agent sans invitation, SIRET substitué par ProConnect",
  },
  {
    email: "admin@portail-qf.beta.gouv.fr",
    given_name: "Camille",
    usual_name: "Roussel",
    uid: "platform-admin",
    siret: "13002526500013",
    idp_id: "fia1v2",
    organization_label: "DINUM",
    role: "Administratrice de la plateforme",
  },
];
