import { eq, inArray } from "drizzle-orm";
import { getConfig } from "../../app/config.server.ts";
import { sealSettingsSecret } from "../../app/portal/settings/settings-secrets.server.ts";
import { keyFromBase64 } from "../../app/utils/encryption.server.ts";
import type { Database } from "../client.ts";
import { agents, collectivities, collectivitySettings, memberships, type MembershipRole } from "../schema/index.ts";

/**
 * The portal's demo world: agents, their memberships, and each commune's HubEE
 * SI credentials and API Particulier token. Copied from simulators/demo-data.ts
 * (the app never imports the simulators); tests/integration/demo-agents.test.ts
 * checks both sides agree. Antoine Santoni (nouvel.agent@ajaccio.fr, siret
 * substituted by ProConnect) is left out on purpose: he has no access.
 */

export interface DemoPortalAgent {
  email: string;
  givenName: string;
  usualName: string;
  platformAdmin?: boolean;
  /** Commune SIRET → role. */
  memberships: Record<string, MembershipRole>;
}

const ANGERS = "21490007900010";
const BESANCON = "21250056300011";
const PAU = "21640445000019";

export const DEMO_PORTAL_AGENTS: DemoPortalAgent[] = [
  {
    email: "claire.lefebvre@angers.fr",
    givenName: "Claire",
    usualName: "Lefebvre",
    memberships: { [ANGERS]: "admin" },
  },
  { email: "paul.durand@angers.fr", givenName: "Paul", usualName: "Durand", memberships: { [ANGERS]: "agent" } },
  {
    email: "sophie.bernard@besancon.fr",
    givenName: "Sophie",
    usualName: "Bernard",
    memberships: { [BESANCON]: "admin" },
  },
  { email: "luc.moreau@pau.fr", givenName: "Luc", usualName: "Moreau", memberships: { [PAU]: "admin" } },
  {
    email: "admin@portail-qf.beta.gouv.fr",
    givenName: "Camille",
    usualName: "Roussel",
    platformAdmin: true,
    memberships: {},
  },
];

/** Demo credentials only: the simulators accept exactly these. */
export const DEMO_COMMUNE_CREDENTIALS: {
  siret: string;
  hubeeSi: { clientId: string; clientSecret: string };
  apiParticulierToken: string;
}[] = [
  {
    siret: ANGERS,
    hubeeSi: { clientId: "si-49007", clientSecret: "si-49007-demo-secret" },
    apiParticulierToken: "demo-api-particulier-49007",
  },
  {
    siret: BESANCON,
    hubeeSi: { clientId: "si-25056", clientSecret: "si-25056-demo-secret" },
    apiParticulierToken: "demo-api-particulier-25056",
  },
  {
    siret: PAU,
    hubeeSi: { clientId: "si-64445", clientSecret: "si-64445-demo-secret" },
    apiParticulierToken: "demo-api-particulier-64445",
  },
  {
    siret: "21200004000015",
    hubeeSi: { clientId: "si-2A004", clientSecret: "si-2A004-demo-secret" },
    apiParticulierToken: "demo-api-particulier-2A004",
  },
  {
    siret: "21350238000016",
    hubeeSi: { clientId: "si-35238", clientSecret: "si-35238-demo-secret" },
    apiParticulierToken: "demo-api-particulier-35238",
  },
];

/**
 * Idempotent, and never overwrites: what a demo user changed (settings,
 * memberships) survives a restart. Needs the communes seeded first.
 */
export async function seedDemoPortal(
  db: Database,
  encryptionKey = keyFromBase64(getConfig().ENCRYPTION_KEY),
): Promise<void> {
  const sirets = [
    ...new Set([
      ...DEMO_COMMUNE_CREDENTIALS.map((c) => c.siret),
      ...DEMO_PORTAL_AGENTS.flatMap((a) => Object.keys(a.memberships)),
    ]),
  ];
  const communes = await db
    .select({ id: collectivities.id, siret: collectivities.siret })
    .from(collectivities)
    .where(inArray(collectivities.siret, sirets));
  const idOf = new Map(communes.map((c) => [c.siret, c.id]));

  for (const demo of DEMO_PORTAL_AGENTS) {
    await db
      .insert(agents)
      .values({
        email: demo.email,
        givenName: demo.givenName,
        usualName: demo.usualName,
        platformAdmin: demo.platformAdmin ?? false,
      })
      .onConflictDoNothing({ target: agents.email });
    const [agent] = await db.select({ id: agents.id }).from(agents).where(eq(agents.email, demo.email));
    for (const [siret, role] of Object.entries(demo.memberships)) {
      const collectivityId = idOf.get(siret);
      if (!agent || !collectivityId) continue;
      await db.insert(memberships).values({ agentId: agent.id, collectivityId, role }).onConflictDoNothing();
    }
  }

  for (const commune of DEMO_COMMUNE_CREDENTIALS) {
    const collectivityId = idOf.get(commune.siret);
    if (!collectivityId) continue;
    const now = new Date();
    await db
      .insert(collectivitySettings)
      .values({
        collectivityId,
        hubeeSiClientId: commune.hubeeSi.clientId,
        hubeeSiSecretEncrypted: sealSettingsSecret(
          encryptionKey,
          collectivityId,
          "hubee_si_secret",
          commune.hubeeSi.clientSecret,
        ),
        hubeeSiUpdatedAt: now,
        apiParticulierTokenEncrypted: sealSettingsSecret(
          encryptionKey,
          collectivityId,
          "api_particulier_token",
          commune.apiParticulierToken,
        ),
        apiParticulierTokenUpdatedAt: now,
      })
      .onConflictDoNothing();
  }
}
