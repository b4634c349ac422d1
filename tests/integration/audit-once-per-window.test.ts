import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents } from "../../db/schema/index.ts";
import { recordAuditUnlessRecent, verifyAuditChain } from "../../app/audit/audit.server.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

const COMMUNE = "7d2e9f60-3b4c-4d5e-8f70-2c3d4e5f6071";
const OTHER_COMMUNE = "8e3f0a71-4c5d-4e6f-9081-3d4e5f607182";
const AGENT = "9f401b82-5d6e-4f70-a192-4e5f60718293";
const COLLEAGUE = "a0512c93-6e7f-4081-b2a3-5f6071829304";
const WINDOW_MS = 10 * 60_000;

/** One consultation per agent, file and window: the journal is not flooded by revalidations. */
describe("recordAuditUnlessRecent", () => {
  let handle: DatabaseHandle;

  beforeAll(async () => {
    handle = await createTestDatabase();
  });
  afterAll(async () => {
    await handle?.close();
  });

  const view = (actor: string, targetId: string, collectivityId = COMMUNE, now?: Date) =>
    recordAuditUnlessRecent(
      handle.db,
      { actor, collectivityId, action: "family_file.viewed", targetType: "family", targetId },
      WINDOW_MS,
      now,
    );
  const viewsOf = async (targetId: string) =>
    (await handle.db.select().from(auditEvents).where(eq(auditEvents.targetId, targetId))).map((e) => ({
      actor: e.actorAgentId,
      commune: e.collectivityId,
    }));

  it("records the first view and skips the same agent's next ones within the window", async () => {
    expect(await view(AGENT, "file-a")).toMatchObject({ id: expect.any(Number) });
    expect(await view(AGENT, "file-a")).toBeNull();
    expect(await view(AGENT, "file-a")).toBeNull();
    expect(await viewsOf("file-a")).toEqual([{ actor: AGENT, commune: COMMUNE }]);
  });

  it("records another agent, another file and another commune separately", async () => {
    await view(AGENT, "file-b");
    expect(await view(COLLEAGUE, "file-b")).not.toBeNull();
    expect(await view(AGENT, "file-c")).not.toBeNull();
    expect(await view(AGENT, "file-b", OTHER_COMMUNE)).not.toBeNull();
    expect(await viewsOf("file-b")).toHaveLength(3);
  });

  it("records a view again once the window has passed", async () => {
    await view(AGENT, "file-d");
    const later = new Date(Date.now() + WINDOW_MS + 60_000);
    expect(await view(AGENT, "file-d", COMMUNE, later)).not.toBeNull();
    expect(await viewsOf("file-d")).toHaveLength(2);
  });

  it("does not count another action on the same file as a view", async () => {
    await recordAuditUnlessRecent(
      handle.db,
      { actor: AGENT, collectivityId: COMMUNE, action: "family_file.status_changed", targetId: "file-e" },
      WINDOW_MS,
    );
    expect(await view(AGENT, "file-e")).not.toBeNull();
    expect(await verifyAuditChain(handle.db)).toMatchObject({ ok: true });
  });
});
