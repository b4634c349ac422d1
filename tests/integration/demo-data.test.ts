import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { collectivities, type Collectivity } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { DEMO_COMMUNE_CREDENTIALS } from "../../db/seed/demo-agents.ts";
import { DEMO_COMMUNES, DEMO_EDITOR_COMMUNES, DEMO_HUBEE_OSL } from "../../simulators/demo-data.ts";
import { folderBody, sendQfFolder, startHarness, type Harness } from "../../simulators/hubee/tests/harness.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The app's demo seed (db/seed/demo.ts) and the simulators' demo world
 * (simulators/demo-data.ts) are two copies of the same communes: a citizen may
 * pick any active commune, so HubEE must accept a folder for each of them, but
 * for Rennes, kept unsubscribed to exercise the 400 "does not suscribed".
 */

const T = "/teledossiers/v1";
const SIMULATED_COMMUNES = [...DEMO_COMMUNES, ...DEMO_EDITOR_COMMUNES];
/** The commune designed to fail: active in the app, not subscribed to FormulaireQF in HubEE. */
const DESIGNED_TO_FAIL = DEMO_COMMUNES.filter((c) => !c.hubeeSubscribed);

interface Subscription {
  subscriber: { type: string; companyRegister: string; branchCode: string };
}

describe("demo communes: the app seed and the HubEE simulator agree", () => {
  let handle: DatabaseHandle;
  let h: Harness;
  let active: Collectivity[];

  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db);
    active = (await handle.db.select().from(collectivities)).filter((c) => c.status === "active");
    h = await startHarness();
  });
  afterAll(async () => {
    await h?.close();
    await handle?.close();
  });

  it("seeds every simulated commune, with the same identity and editor, and nothing else active", () => {
    for (const commune of SIMULATED_COMMUNES) {
      const seeded = active.find((c) => c.siret === commune.siret);
      expect(seeded, commune.name).toMatchObject({
        name: commune.name,
        codeCog: commune.codeCog,
        departement: commune.departement,
        editor: "editor" in commune ? commune.editor : null,
      });
    }
    expect(active.map((c) => c.siret).sort()).toEqual(SIMULATED_COMMUNES.map((c) => c.siret).sort());
    expect(active.filter((c) => c.editor).map((c) => c.name)).toEqual(DEMO_EDITOR_COMMUNES.map((c) => c.name));
  });

  it("subscribes every active seeded commune to FormulaireQF, except the one designed to fail", async () => {
    expect(DESIGNED_TO_FAIL.map((c) => c.name)).toEqual(["Rennes"]);
    const osl = await h.token(DEMO_HUBEE_OSL);
    const listed = await h.api<Subscription[]>(
      osl,
      "GET",
      "/referential/v1/subscriptions?processCode=FormulaireQF&status=Actif&maxResult=5000",
    );
    expect(listed.status).toBe(200);
    const subscribed = new Set(
      listed.json.map((s) => `${s.subscriber.type}-${s.subscriber.companyRegister}-${s.subscriber.branchCode}`),
    );

    for (const commune of active) {
      const designedToFail = DESIGNED_TO_FAIL.some((c) => c.siret === commune.siret);
      const organisation = `SI-${commune.siret}-${commune.codeCog}`;
      expect(subscribed.has(organisation), commune.name).toBe(!designedToFail);
      // What the portal's outbox does for a citizen who picked this commune.
      const created = await h.api<{ id: string; errors?: Array<{ message: string }> }>(osl, "POST", `${T}/folders`, {
        json: folderBody(commune),
      });
      if (designedToFail) {
        expect(created.status, commune.name).toBe(400);
        expect(created.json.errors?.[0]?.message).toBe(
          `Organization ${organisation} does not suscribed to process FormulaireQF`,
        );
      } else {
        expect(created.status, commune.name).toBe(201);
        expect((await h.api(osl, "DELETE", `${T}/folders/${created.json.id}`)).status).toBe(204);
      }
    }
  });

  it("lets an editor read its commune's folders with its own SI client, which the portal does not hold", async () => {
    expect(DEMO_EDITOR_COMMUNES.length).toBeGreaterThan(0);
    const osl = await h.token(DEMO_HUBEE_OSL);
    for (const commune of DEMO_EDITOR_COMMUNES) {
      // The portal polls every commune whose SI credentials it holds: never an editor's.
      expect(DEMO_COMMUNE_CREDENTIALS.map((c) => c.siret)).not.toContain(commune.siret);
      const { caseId } = await sendQfFolder(h, osl, commune);
      const si = await h.token(commune);
      const queue = await h.api<Array<{ caseId: string }>>(si, "GET", `${T}/notifications?processCode=FormulaireQF`);
      expect(queue.json.map((n) => n.caseId)).toContain(caseId);
      const read = await h.api<{ status: string }>(si, "GET", `${T}/cases/${caseId}`);
      expect(read.status).toBe(200);
      expect(read.json.status).toBe("SENT");
    }
  });
});
