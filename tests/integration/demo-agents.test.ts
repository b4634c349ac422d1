import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { agents, memberships } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { DEMO_COMMUNE_CREDENTIALS, DEMO_PORTAL_AGENTS } from "../../db/seed/demo-agents.ts";
import {
  getApiParticulierToken,
  getHubeeSiCredentials,
} from "../../app/portal/settings/collectivity-settings.server.ts";
import { listAgentCommunes } from "../../app/portal/access/access.server.ts";
import { keyFromBase64 } from "../../app/utils/encryption.server.ts";
import { getConfig } from "../../app/config.server.ts";
import { DEMO_AGENTS, DEMO_COMMUNES } from "../../simulators/demo-data.ts";
import { agentByEmail } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** The portal's demo seed holds a copy of the simulators' demo world (the app never imports them): both must agree. */
describe("demo seed of the portal", () => {
  let handle: DatabaseHandle;
  const key = () => keyFromBase64(getConfig().ENCRYPTION_KEY);

  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db);
    await seedDemo(handle.db); // idempotent
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("has the simulators' agents, with the intended access", async () => {
    for (const seeded of DEMO_PORTAL_AGENTS) {
      const simulated = DEMO_AGENTS.find((a) => a.email === seeded.email);
      expect(simulated, seeded.email).toBeDefined();
      expect([seeded.givenName, seeded.usualName]).toEqual([simulated!.given_name, simulated!.usual_name]);
    }
    const db = handle.db;
    const communesOf = async (email: string) =>
      (await listAgentCommunes(db, (await agentByEmail(db, email))!.id)).map((c) => [c.name, c.role]);
    expect(await communesOf("claire.lefebvre@angers.fr")).toEqual([["Angers", "admin"]]);
    expect(await communesOf("paul.durand@angers.fr")).toEqual([["Angers", "agent"]]);
    expect(await communesOf("sophie.bernard@besancon.fr")).toEqual([["Besançon", "admin"]]);
    expect(await communesOf("luc.moreau@pau.fr")).toEqual([["Pau", "admin"]]);
    expect(await agentByEmail(db, "admin@portail-qf.beta.gouv.fr")).toMatchObject({ platformAdmin: true });
    expect(await communesOf("admin@portail-qf.beta.gouv.fr")).toEqual([]);
    // The agent with a substituted siret is not seeded: he has no access.
    expect(await agentByEmail(db, "nouvel.agent@ajaccio.fr")).toBeUndefined();
    expect(await db.select().from(agents)).toHaveLength(DEMO_PORTAL_AGENTS.length);
    expect(await db.select().from(memberships)).toHaveLength(4);
  });

  it("stores each commune's credentials, sealed, as the simulators know them", async () => {
    expect(DEMO_COMMUNE_CREDENTIALS.map((c) => c.siret).sort()).toEqual(DEMO_COMMUNES.map((c) => c.siret).sort());
    const communes = await handle.db.query.collectivities.findMany();
    for (const commune of DEMO_COMMUNES) {
      const id = communes.find((c) => c.siret === commune.siret)!.id;
      expect(await getHubeeSiCredentials(handle.db, id, key())).toEqual(commune.hubeeSi);
      expect(await getApiParticulierToken(handle.db, id, key())).toBe(commune.apiParticulierToken);
    }
  });
});
