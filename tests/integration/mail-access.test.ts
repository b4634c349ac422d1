import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { joinRequests, mailOutbox } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { loginAgent } from "../../app/portal/access/agent-login.server.ts";
import * as agentsRoute from "../../app/routes/portail.communes.$siret.agents/route.tsx";
import * as portalHome from "../../app/routes/portail._index.tsx";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { header, readMailbox, sendMailOutbox } from "../helpers/mailbox.ts";
import { addMember, agentByEmail, callRoute, createAgent, createCommune, signIn } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** Access mails, caused by the real portal actions and received by a real SMTP server. */
let handle: DatabaseHandle;
let simulators: RunningSimulators;
let commune: Awaited<ReturnType<typeof createCommune>>;
let adminCookie: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  simulators = await startSimulators({ port: 0 });
  commune = await createCommune(handle.db, "Montreuil-Bellay-Courriels", 71);
  const admin = await createAgent(handle.db, {
    email: "admin@montreuil-courriels.fr",
    givenName: "Hortense",
    usualName: "Valadier",
  });
  await addMember(handle.db, admin.id, commune.id, "admin");
  const second = await createAgent(handle.db, { email: "admin2@montreuil-courriels.fr" });
  await addMember(handle.db, second.id, commune.id, "admin");
  adminCookie = await signIn(handle.db, admin.id);
});
afterAll(async () => {
  await simulators?.close();
  await handle?.close();
});

const agentsPath = () => `/portail/communes/${commune.siret}/agents`;

describe("access mails", () => {
  it("mails the invitee once when an administrator invites them, with who, where, the role, ProConnect and the expiry", async () => {
    const invite = () =>
      callRoute(agentsRoute, "action", {
        path: agentsPath(),
        params: { siret: commune.siret },
        cookie: adminCookie,
        form: { intent: "invite", email: "Nouvelle.Collegue@Montreuil-Courriels.fr", role: "agent" },
      });
    expect((await invite()).status).toBe(302);
    // A double click: the same invitation, mailed once.
    expect((await invite()).status).toBe(302);
    expect(await sendMailOutbox(handle.db, simulators)).toMatchObject({ sent: 1, failed: 0 });

    const [mail] = (await readMailbox(simulators)).filter((m) =>
      m.envelopeTo.includes("nouvelle.collegue@montreuil-courriels.fr"),
    );
    expect(mail).toBeDefined();
    expect(mail!.subject).toBe("Invitation à rejoindre Montreuil-Bellay-Courriels sur Portail QF");
    for (const body of [mail!.text, mail!.html!]) {
      expect(body).toContain("Hortense Valadier vous invite à rejoindre Montreuil-Bellay-Courriels");
      expect(body).toContain("en tant qu’agent");
      expect(body).toContain("ProConnect");
      expect(body).toMatch(/Cette invitation expire le \d{1,2} \S+ \d{4}/);
      expect(body).toContain("http://localhost:3000/portail");
    }
    expect(mail!.html).toMatch(/<html[^>]* lang="fr"/);
    expect(mail!.text).toContain("RÉPUBLIQUE");
    // Needed for access: no unsubscribe.
    expect(header(mail!, "List-Unsubscribe")).toBeUndefined();
  });

  it("mails every administrator a join request, and the requester the outcome", async () => {
    await loginAgent(handle.db, {
      sub: "sub-demandeur-courriel",
      idpId: "fia1v2",
      email: "demandeur@montreuil-courriels.fr",
      givenName: "Basile",
      usualName: "Renaudin",
      siret: commune.siret,
      organizationLabel: null,
    });
    const requester = (await agentByEmail(handle.db, "demandeur@montreuil-courriels.fr"))!;
    const cookie = await signIn(handle.db, requester.id);
    expect((await callRoute(portalHome, "action", { path: "/portail", cookie, form: { intent: "join" } })).status).toBe(
      302,
    );
    await sendMailOutbox(handle.db, simulators);
    const asks = (await readMailbox(simulators)).filter((m) => m.subject.startsWith("Demande d’accès"));
    expect(asks.map((m) => m.envelopeTo[0]).sort()).toEqual([
      "admin2@montreuil-courriels.fr",
      "admin@montreuil-courriels.fr",
    ]);
    expect(asks[0]!.text).toContain("Basile Renaudin demande à rejoindre Montreuil-Bellay-Courriels");
    expect(asks[0]!.text).toContain(`http://localhost:3000/portail/communes/${commune.siret}/agents`);

    const [request] = await handle.db.select().from(joinRequests).where(eq(joinRequests.agentId, requester.id));
    const decided = await callRoute(agentsRoute, "action", {
      path: agentsPath(),
      params: { siret: commune.siret },
      cookie: adminCookie,
      form: { intent: "refuse-join", joinRequestId: request!.id },
    });
    expect(decided.status).toBe(302);
    await sendMailOutbox(handle.db, simulators);
    const outcome = (await readMailbox(simulators)).find((m) => m.envelopeTo.includes(requester.email));
    expect(outcome?.subject).toBe("Votre demande d’accès à Montreuil-Bellay-Courriels est refusée");
    // Every access mail went out, none twice.
    const rows = await handle.db.select().from(mailOutbox);
    expect(rows.every((r) => r.status === "sent")).toBe(true);
    expect((await readMailbox(simulators)).length).toBe(rows.length);
  });
});
