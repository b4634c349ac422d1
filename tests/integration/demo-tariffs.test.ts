import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../db/client.ts";
import { collectivities } from "../../db/schema/index.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { parisToday } from "../../app/domain/paris-time.ts";
import { versionInForce } from "../../app/domain/pricing/versions.ts";
import { loadTariffServices } from "../../app/portal/tariffs/tariffs.server.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** The demo's Angers shows prices everywhere: one published service per kind of rule and a draft. */
describe("demo tariffs", () => {
  let handle: DatabaseHandle;
  beforeAll(async () => {
    handle = await createTestDatabase();
    await seedDemo(handle.db);
    await seedDemo(handle.db); // idempotent
  });
  afterAll(async () => handle?.close());

  it("seeds Angers with three services in force and a draft for next September", async () => {
    const [angers] = await handle.db.select().from(collectivities).where(eq(collectivities.siret, "21490007900010"));
    const services = await loadTariffServices(handle.db, angers!.id);
    const today = parisToday();
    expect(services.map((s) => versionInForce(s.versions, today)?.rule.kind).sort()).toEqual([
      "effort",
      "grid",
      "linear",
    ]);
    const drafts = services.flatMap((s) => s.versions.filter((v) => v.status === "draft"));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]!.validFrom > today && drafts[0]!.validFrom.endsWith("-09-01")).toBe(true);
  });
});
