import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { invitations } from "../../db/schema/index.ts";
import { invitePlatformAdministrator } from "../../app/portal/access/platform-admin.server.ts";
import { addMember, createAgent, createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** Hardening 3 of issue 17: nobody at the platform lets themselves into a commune's family files. */
let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
});
afterAll(() => handle?.close());

describe("a platform administrator's invitation", () => {
  it("is refused for their own address, whatever its case or spaces", async () => {
    const operator = await createAgent(handle.db, { email: "operateur@numerique.gouv.fr", platformAdmin: true });
    const commune = await createCommune(handle.db, "Sans-Admin-sur-Loire", 901);
    const outcome = await invitePlatformAdministrator(handle.db, {
      collectivityId: commune.id,
      email: "  Operateur@Numerique.gouv.fr ",
      actor: { id: operator.id, email: operator.email },
    });
    expect(outcome).toEqual({ kind: "self_invitation" });
    expect(await handle.db.select().from(invitations).where(eq(invitations.collectivityId, commune.id))).toEqual([]);
  });

  it("is refused into a commune that has administrators: they invite their colleagues themselves", async () => {
    const operator = await createAgent(handle.db, { email: "operatrice@numerique.gouv.fr", platformAdmin: true });
    const mayor = await createAgent(handle.db, { email: "maire@ville-avec-admin.fr" });
    const commune = await createCommune(handle.db, "Avec-Admin", 902);
    await addMember(handle.db, mayor.id, commune.id, "admin");
    const outcome = await invitePlatformAdministrator(handle.db, {
      collectivityId: commune.id,
      email: "complice@exemple.fr",
      actor: { id: operator.id, email: operator.email },
    });
    expect(outcome).toEqual({ kind: "commune_has_administrators" });
    expect(await handle.db.select().from(invitations).where(eq(invitations.collectivityId, commune.id))).toEqual([]);
  });

  it("invites the first administrator of a commune that has none", async () => {
    const operator = await createAgent(handle.db, { email: "operateur2@numerique.gouv.fr", platformAdmin: true });
    const commune = await createCommune(handle.db, "Premiere-Admin", 903);
    const outcome = await invitePlatformAdministrator(handle.db, {
      collectivityId: commune.id,
      email: "secretaire@mairie-premiere.fr",
      actor: { id: operator.id, email: operator.email },
    });
    expect(outcome.kind).toBe("invited");
    const [row] = await handle.db.select().from(invitations).where(eq(invitations.collectivityId, commune.id));
    expect(row).toMatchObject({ email: "secretaire@mairie-premiere.fr", role: "admin", invitedBy: operator.id });
  });
});
