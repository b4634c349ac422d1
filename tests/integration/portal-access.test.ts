import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, invitations, joinRequests, memberships } from "../../db/schema/index.ts";
import {
  identityFromClaims,
  InvalidProConnectClaimsError,
  loginAgent,
  type ProConnectIdentity,
} from "../../app/portal/access/agent-login.server.ts";
import { listAgentCommunes } from "../../app/portal/access/access.server.ts";
import { inviteAgent, inviteFirstAdministrator } from "../../app/portal/access/invitations.server.ts";
import {
  createJoinRequest,
  decideJoinRequest,
  joinableCommune,
  listPendingJoinRequests,
} from "../../app/portal/access/join-requests.server.ts";
import { changeMemberRole, listMembers, revokeMembership } from "../../app/portal/access/memberships.server.ts";
import { verifyAuditChain } from "../../app/audit/audit.server.ts";
import { addMember, agentByEmail, createAgent, createCommune } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** Who gets into which commune: invitations and join requests, never the siret claim alone. */
describe("portal access", () => {
  let handle: DatabaseHandle;
  let commune: Awaited<ReturnType<typeof createCommune>>;
  let other: Awaited<ReturnType<typeof createCommune>>;
  let admin: Awaited<ReturnType<typeof createAgent>>;

  const identity = (overrides: Partial<ProConnectIdentity> = {}): ProConnectIdentity => ({
    sub: `sub-${Math.random().toString(36).slice(2)}`,
    idpId: "fia1v2",
    email: "someone@example.fr",
    givenName: "Prénom",
    usualName: "Nom",
    siret: null,
    organizationLabel: null,
    ...overrides,
  });

  beforeAll(async () => {
    handle = await createTestDatabase();
    commune = await createCommune(handle.db, "Angers-test", 1);
    other = await createCommune(handle.db, "Autre-test", 2);
    admin = await createAgent(handle.db, { email: "admin@angers-test.fr" });
    await addMember(handle.db, admin.id, commune.id, "admin");
  });
  afterAll(async () => {
    await handle?.close();
  });

  it("binds an invitation at the first login with that e-mail, whatever its case", async () => {
    const db = handle.db;
    const invited = await inviteAgent(db, {
      collectivityId: commune.id,
      email: "  Nouvelle.Agente@Angers-Test.fr ",
      role: "agent",
      invitedBy: admin.id,
    });
    expect(invited.kind).toBe("invited");

    const outcome = await loginAgent(db, identity({ email: "nouvelle.agente@angers-test.fr", sub: "sub-nouvelle" }));
    expect(outcome).toMatchObject({ kind: "ok", acceptedInvitations: 1 });
    const agent = await agentByEmail(db, "nouvelle.agente@angers-test.fr");
    expect(agent).toMatchObject({ proconnectSub: "sub-nouvelle", proconnectIdpId: "fia1v2" });
    expect(await listAgentCommunes(db, agent!.id)).toEqual([
      { name: "Angers-test", siret: commune.siret, role: "agent", status: "active" },
    ]);

    const [invitation] = await db
      .select()
      .from(invitations)
      .where(eq(invitations.email, "nouvelle.agente@angers-test.fr"));
    expect(invitation?.acceptedAt).toBeInstanceOf(Date);
    expect(invitation?.acceptedBy).toBe(agent!.id);

    // A second login neither duplicates nor re-accepts anything.
    expect(
      await loginAgent(db, identity({ email: "nouvelle.agente@angers-test.fr", sub: "sub-nouvelle" })),
    ).toMatchObject({
      kind: "ok",
      acceptedInvitations: 0,
    });
    expect(await listAgentCommunes(db, agent!.id)).toHaveLength(1);
  });

  it("grants nothing for a siret claim alone, even the commune's own", async () => {
    const db = handle.db;
    const outcome = await loginAgent(db, identity({ email: "inconnu@angers-test.fr", siret: commune.siret }));
    expect(outcome.kind).toBe("ok");
    const agent = await agentByEmail(db, "inconnu@angers-test.fr");
    expect(await listAgentCommunes(db, agent!.id)).toEqual([]);
    // The claim is only remembered, as a hint for a join request.
    expect(agent?.lastSiretClaim).toBe(commune.siret);
    expect(await joinableCommune(db, agent!.id)).toMatchObject({ collectivityId: commune.id, request: null });
  });

  it("refuses a login whose e-mail is already bound to another ProConnect identity", async () => {
    const db = handle.db;
    await loginAgent(db, identity({ email: "lie@angers-test.fr", sub: "first-sub", idpId: "idp-a" }));
    const outcome = await loginAgent(db, identity({ email: "lie@angers-test.fr", sub: "other-sub", idpId: "idp-b" }));
    expect(outcome.kind).toBe("identity_mismatch");
    const agent = await agentByEmail(db, "lie@angers-test.fr");
    expect(agent).toMatchObject({ proconnectSub: "first-sub", proconnectIdpId: "idp-a" });
  });

  it("ignores expired and cancelled invitations", async () => {
    const db = handle.db;
    const past = new Date(Date.now() - 40 * 24 * 3600 * 1000);
    await inviteAgent(db, {
      collectivityId: commune.id,
      email: "expire@angers-test.fr",
      role: "agent",
      invitedBy: admin.id,
      now: past,
    });
    expect(await loginAgent(db, identity({ email: "expire@angers-test.fr" }))).toMatchObject({
      kind: "ok",
      acceptedInvitations: 0,
    });
    const agent = await agentByEmail(db, "expire@angers-test.fr");
    expect(await listAgentCommunes(db, agent!.id)).toEqual([]);
  });

  it("invites a commune's first administrator for the DataPass webhook", async () => {
    const db = handle.db;
    const outcome = await inviteFirstAdministrator(db, other.id, "Demandeur@Autre-Test.fr", {
      requestId: "datapass-1",
    });
    expect(outcome.kind).toBe("invited");
    // Re-delivered webhook: still one open invitation.
    await inviteFirstAdministrator(db, other.id, "demandeur@autre-test.fr");
    const open = await db.select().from(invitations).where(eq(invitations.collectivityId, other.id));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ role: "admin", invitedBy: null });

    await loginAgent(db, identity({ email: "demandeur@autre-test.fr" }));
    const agent = await agentByEmail(db, "demandeur@autre-test.fr");
    expect(await listAgentCommunes(db, agent!.id)).toMatchObject([{ siret: other.siret, role: "admin" }]);
  });

  it("runs the join request flow: request, accept or refuse by the commune's administrator", async () => {
    const db = handle.db;
    await loginAgent(db, identity({ email: "demande@angers-test.fr", siret: commune.siret }));
    const requester = await agentByEmail(db, "demande@angers-test.fr");
    expect(await createJoinRequest(db, { agentId: requester!.id })).toBe("created");
    expect(await createJoinRequest(db, { agentId: requester!.id })).toBe("already_pending");
    expect(await listAgentCommunes(db, requester!.id)).toEqual([]);

    const pending = await listPendingJoinRequests(db, commune.id);
    const request = pending.find((r) => r.agentId === requester!.id)!;
    // Another commune's administrator cannot decide it (scoped by commune).
    expect(
      await decideJoinRequest(db, {
        collectivityId: other.id,
        joinRequestId: request.id,
        decision: "accepted",
        actor: admin.id,
      }),
    ).toBe(false);
    expect(
      await decideJoinRequest(db, {
        collectivityId: commune.id,
        joinRequestId: request.id,
        decision: "accepted",
        actor: admin.id,
      }),
    ).toBe(true);
    expect(await listAgentCommunes(db, requester!.id)).toMatchObject([{ siret: commune.siret, role: "agent" }]);
    expect(
      await decideJoinRequest(db, {
        collectivityId: commune.id,
        joinRequestId: request.id,
        decision: "refused",
        actor: admin.id,
      }),
    ).toBe(false);

    await loginAgent(db, identity({ email: "refuse@angers-test.fr", siret: commune.siret }));
    const refused = await agentByEmail(db, "refuse@angers-test.fr");
    await createJoinRequest(db, { agentId: refused!.id });
    const [refusedRequest] = await db.select().from(joinRequests).where(eq(joinRequests.agentId, refused!.id));
    await decideJoinRequest(db, {
      collectivityId: commune.id,
      joinRequestId: refusedRequest!.id,
      decision: "refused",
      actor: admin.id,
    });
    expect(await listAgentCommunes(db, refused!.id)).toEqual([]);
    expect(await createJoinRequest(db, { agentId: refused!.id })).toBe("already_refused");

    // No onboarded commune behind the claim (a substituted default siret): nothing to join.
    await loginAgent(db, identity({ email: "defaut@ailleurs.fr", siret: "13002526500013" }));
    const stranger = await agentByEmail(db, "defaut@ailleurs.fr");
    expect(await joinableCommune(db, stranger!.id)).toBeNull();
    expect(await createJoinRequest(db, { agentId: stranger!.id })).toBe("no_commune");
  });

  it("keeps at least one administrator and audits membership changes", async () => {
    const db = handle.db;
    const adminMembership = (await listMembers(db, other.id)).find((m) => m.role === "admin")!;
    expect(
      await revokeMembership(db, {
        collectivityId: other.id,
        membershipId: adminMembership.membershipId,
        actor: admin.id,
      }),
    ).toBe("last_admin");
    expect(
      await changeMemberRole(db, {
        collectivityId: other.id,
        membershipId: adminMembership.membershipId,
        role: "agent",
        actor: admin.id,
      }),
    ).toBe("last_admin");
    // A membership id of another commune matches nothing here.
    expect(
      await revokeMembership(db, {
        collectivityId: commune.id,
        membershipId: adminMembership.membershipId,
        actor: admin.id,
      }),
    ).toBe("not_found");

    const agent = await agentByEmail(db, "nouvelle.agente@angers-test.fr");
    const [membership] = await db
      .select()
      .from(memberships)
      .where(and(eq(memberships.agentId, agent!.id), eq(memberships.collectivityId, commune.id)));
    expect(
      await changeMemberRole(db, {
        collectivityId: commune.id,
        membershipId: membership!.id,
        role: "admin",
        actor: admin.id,
      }),
    ).toBe("ok");
    expect(
      await revokeMembership(db, { collectivityId: commune.id, membershipId: membership!.id, actor: admin.id }),
    ).toBe("ok");
    expect(await listAgentCommunes(db, agent!.id)).toEqual([]);

    const actions = (
      await db
        .select({ action: auditEvents.action })
        .from(auditEvents)
        .where(eq(auditEvents.collectivityId, commune.id))
    ).map((e) => e.action);
    expect(actions).toEqual(
      expect.arrayContaining([
        "invitation.created",
        "invitation.accepted",
        "membership.created",
        "agent.login",
        "join_request.created",
        "join_request.accepted",
        "join_request.refused",
        "membership.role_changed",
        "membership.revoked",
      ]),
    );
    // No e-mail, no name anywhere in the trail.
    const all = JSON.stringify(await db.select().from(auditEvents));
    expect(all).not.toMatch(/@|Prénom/);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
  });

  it("reads the identity from ProConnect's claims and refuses incomplete ones", () => {
    expect(
      identityFromClaims({
        sub: "abc",
        idp_id: "fia1v2",
        email: "Claire.Lefebvre@Angers.fr",
        given_name: "Claire",
        usual_name: "Lefebvre",
        siret: "21490007900010",
        organization_label: "Commune d'Angers",
      }),
    ).toEqual({
      sub: "abc",
      idpId: "fia1v2",
      email: "claire.lefebvre@angers.fr",
      givenName: "Claire",
      usualName: "Lefebvre",
      siret: "21490007900010",
      organizationLabel: "Commune d'Angers",
    });
    expect(() => identityFromClaims({ sub: "abc", idp_id: "x", given_name: "A", usual_name: "B" })).toThrow(
      InvalidProConnectClaimsError,
    );
    expect(() =>
      identityFromClaims({ sub: "abc", idp_id: "x", given_name: "A", usual_name: "B", email: "a@b.fr" }),
    ).not.toThrow();
  });
});
