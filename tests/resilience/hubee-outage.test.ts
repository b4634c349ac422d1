import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deliverDueShipments, type DeliveryDeps } from "../../app/citizen/shipment-delivery.server.ts";
import { createShipment, deliverNow } from "../../app/citizen/shipments.server.ts";
import type { DatabaseHandle } from "../../db/client.ts";
import { shipments } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { ANGELA, ANGELA_QF, collectivityByName, randomKey, senderFor } from "../helpers/citizen-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * HubEE down for a period in the middle of 200 citizen submissions, while the web's immediate
 * delivery (deliverNow, as the transmission action does) and two scheduled delivery loops (two
 * worker instances) run at the same time. tests/integration/shipment-delivery.test.ts covers
 * 100 submissions made entirely during an outage; this one covers an outage that starts and ends
 * while submissions and deliveries are under way, with concurrent deliverers.
 */

const FAST_BACKOFF = { attempts: 50, baseDelayMs: 1, maxDelayMs: 20 };
const SUBMISSIONS = 200;

let handle: DatabaseHandle;
let sims: RunningSimulators;
let deps: DeliveryDeps;

beforeAll(async () => {
  handle = await createTestDatabase();
  await seedDemo(handle.db);
  sims = await startSimulators({ port: 0 });
  deps = { db: handle.db, sender: senderFor(sims), encryptionKey: randomKey(), backoff: FAST_BACKOFF };
});
afterAll(async () => {
  await sims?.close();
  await handle?.close();
});

describe("HubEE unavailable during 200 submissions", () => {
  it("delivers every shipment exactly once after recovery", { timeout: 90_000 }, async () => {
    const communes = [await collectivityByName(handle.db, "Angers"), await collectivityByName(handle.db, "Pau")];
    let stop = false;
    // Two worker instances' scheduled job, running all along.
    const loops = [0, 1].map(async () => {
      while (!stop) {
        await deliverDueShipments(deps);
        await new Promise((resolve) => setTimeout(resolve, 15));
      }
    });

    const created: { id: string; reference: string }[] = [];
    const immediate: string[] = [];
    for (let i = 0; i < SUBMISSIONS; i++) {
      // The outage: submissions 50 to 149 meet a HubEE answering 503 to everything.
      if (i === 50) sims.modules.hubee.faults.api.add({ errorRatio: 1, errorStatuses: [503] });
      if (i === 150) sims.modules.hubee.faults.api.clear();
      const shipment = await createShipment(handle.db, deps.encryptionKey, {
        collectivity: communes[i % 2]!,
        pivotIdentity: ANGELA,
        quotientFamilial: ANGELA_QF,
        externalId: `famille-${i}`,
        idempotencyKey: crypto.randomUUID(),
      });
      created.push(shipment);
      immediate.push(String(await deliverNow(deps, shipment.id, 2_000)));
    }
    // The outage was real: immediate deliveries failed during it.
    expect(immediate.slice(50, 150).filter((r) => r === "delivered").length).toBeLessThan(10);

    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const pending = await handle.db.select().from(shipments).where(eq(shipments.status, "pending"));
      if (pending.length === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    stop = true;
    await Promise.all(loops);

    const rows = await handle.db.select().from(shipments);
    expect(rows).toHaveLength(SUBMISSIONS);
    expect(rows.filter((r) => r.status !== "delivered")).toEqual([]);
    const folders = sims.modules.hubee
      .folders()
      .filter((f) => f.processCode === "FormulaireQF" && f.externalId.startsWith("Formulaire-QF-"));
    const externalIds = folders.map((f) => f.externalId);
    // Exactly once: one folder per shipment, none twice, none missing, each complete.
    expect(externalIds).toHaveLength(SUBMISSIONS);
    expect(new Set(externalIds)).toEqual(new Set(created.map((s) => `Formulaire-QF-${s.reference}`)));
    expect(folders.every((f) => f.attachments.length === 3)).toBe(true);
  });
});
