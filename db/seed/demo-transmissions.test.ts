import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "../../tests/helpers/test-database.ts";
import type { DatabaseHandle } from "../client.ts";
import { collectivities, shipments } from "../schema/index.ts";
import { shipmentAad } from "../../app/citizen/shipment-delivery.server.ts";
import type { ShipmentData } from "../../app/formulaire-qf/types.ts";
import { birthdateParts } from "../../app/domain/pivot-identity.ts";
import { quotientFamilialDataSchema } from "../../app/domain/quotient-familial.ts";
import { decryptJson } from "../../app/utils/encryption.server.ts";
import { seedDemo } from "./demo.ts";
import { DEMO_TRANSMISSION_COUNTS, demoFamily, seedDemoTransmissions } from "./demo-transmissions.ts";

const key = crypto.randomBytes(32);

describe("demo transmissions", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db);
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("queues each commune's families once, as encrypted outbox shipments the worker can read", async () => {
    const expected = Object.values(DEMO_TRANSMISSION_COUNTS).reduce((a, b) => a + b, 0);
    expect(await seedDemoTransmissions(handle.db, key)).toBe(expected);
    expect(await seedDemoTransmissions(handle.db, key)).toBe(0);
    const rows = await handle.db.select().from(shipments);
    expect(rows).toHaveLength(expected);

    const [angers] = await handle.db.select().from(collectivities).where(eq(collectivities.siret, "21490007900010"));
    const first = rows.find((r) => r.collectivityId === angers!.id)!;
    const data = decryptJson<ShipmentData>(first.payloadEncrypted!, key, shipmentAad(first.reference));
    expect(data.collectivity.siret).toBe("21490007900010");
    expect(birthdateParts(data.pivotIdentity.birthdate)).not.toBeNull();
    expect(quotientFamilialDataSchema.safeParse(data.quotientFamilial).success).toBe(true);
  });

  it("makes the same family for the same index, known to the API Particulier simulator (SYNTH names)", () => {
    const now = new Date("2026-11-26T12:00:00Z");
    const a = demoFamily("21490007900010", 7, now);
    expect(demoFamily("21490007900010", 7, now)).toEqual(a);
    expect(a.pivotIdentity.familyName.startsWith("SYNTH")).toBe(true);
    expect(new Set(a.pivotIdentity.givenNames).size).toBe(a.pivotIdentity.givenNames.length);
    expect(a.quotientFamilial.quotient_familial).toMatchObject({ annee: 2026, mois: 10 });
  });
});
