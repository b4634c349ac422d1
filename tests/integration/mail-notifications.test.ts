import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { families, mailOutbox, qfCampaigns } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { createCampaign } from "../../app/portal/campaigns/campaigns.server.ts";
import { sendDailyDigests } from "../../app/portal/notifications/daily-digest.server.ts";
import * as campaignRoute from "../../app/routes/portail.communes.$siret.campagnes.$campaignId/route.tsx";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { createCommuneWithToken, insertSynthFamilies } from "../helpers/campaign-fixtures.ts";
import { header, readMailbox, sendMailOutbox } from "../helpers/mailbox.ts";
import { addMember, callRoute, createAgent, signIn, testSiret } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/** Optional notifications through their real cause, received by the SMTP simulator. */
let handle: DatabaseHandle;
let simulators: RunningSimulators;
let commune: { id: string; siret: string };
let adminId: string;
let agentId: string;
let agentCookie: string;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  simulators = await startSimulators({ port: 0 });
  commune = await createCommuneWithToken(handle.db, {
    name: "Doué-Notifications",
    siret: testSiret(911),
    codeCog: "49007",
    token: "token-notifications",
  });
  await insertSynthFamilies(handle.db, commune.id, 4, 9100);
  const admin = await createAgent(handle.db, { email: "admin@doue-notifications.fr" });
  const agent = await createAgent(handle.db, { email: "agent@doue-notifications.fr" });
  await addMember(handle.db, admin.id, commune.id, "admin");
  await addMember(handle.db, agent.id, commune.id, "agent");
  adminId = admin.id;
  agentId = agent.id;
  agentCookie = await signIn(handle.db, agent.id);
});
afterAll(async () => {
  await simulators?.close();
  await handle?.close();
});

describe("notification mails", () => {
  it("tells the launcher a campaign they stopped, with totals, a link to the report and one-click unsubscribe", async () => {
    const campaign = (await createCampaign(handle.db, {
      collectivityId: commune.id,
      familyIds: "all",
      trigger: "agent",
      agentId,
    }))!;
    const path = `/portail/communes/${commune.siret}/campagnes/${campaign.id}`;
    const stop = await callRoute(campaignRoute, "action", {
      path,
      params: { siret: commune.siret, campaignId: campaign.id },
      cookie: agentCookie,
      form: { intent: "stop" },
    });
    expect(stop.status).toBe(302);
    const [row] = await handle.db.select().from(qfCampaigns).where(eq(qfCampaigns.id, campaign.id));
    expect(row!.status).toBe("stopped");
    expect(await sendMailOutbox(handle.db, simulators)).toMatchObject({ sent: 1 });
    const [mail] = (await readMailbox(simulators)).filter((m) => m.subject.startsWith("Campagne"));
    expect(mail!.envelopeTo).toEqual(["agent@doue-notifications.fr"]);
    expect(mail!.subject).toBe("Campagne de mise à jour des QF arrêtée – Doué-Notifications");
    expect(mail!.text).toContain("Sur 4 familles");
    expect(mail!.text).toContain(`http://localhost:3000${path}`);
    expect(header(mail!, "List-Unsubscribe")).toMatch(/^<http:\/\/localhost:3000\/courriels\/desabonnement\/.+>$/);
    expect(header(mail!, "List-Unsubscribe-Post")).toBe("List-Unsubscribe=One-Click");
  });

  it("sends the daily digest to administrators (by default) only when there are new files, once a day", async () => {
    const now = new Date();
    expect(await sendDailyDigests(handle.db, now)).toMatchObject({ mails: 1 });
    expect(await sendDailyDigests(handle.db, now)).toMatchObject({ mails: 0 });
    await sendMailOutbox(handle.db, simulators);
    const digests = (await readMailbox(simulators)).filter((m) => m.subject.includes("nouveaux dossiers"));
    expect(digests.map((m) => m.envelopeTo[0])).toEqual(["admin@doue-notifications.fr"]);
    expect(digests[0]!.text).toMatch(/– .+ : 4/);
    // A day later with nothing new: no mail.
    expect(await sendDailyDigests(handle.db, new Date(now.getTime() + 2 * 86_400_000))).toMatchObject({ mails: 0 });
    expect(adminId).toBeDefined();
  });

  it("puts no family's name nor birth date in any message sent (outbox and SMTP)", async () => {
    const rows = await handle.db.select().from(families);
    const names = rows.flatMap((f) => [f.familyName, f.givenNames, f.birthdate]).filter((v): v is string => !!v);
    expect(names.length).toBeGreaterThan(0);
    const received = await readMailbox(simulators);
    const stored = await handle.db.select().from(mailOutbox);
    expect(received.length).toBeGreaterThan(0);
    const texts = [
      ...received.map((m) => `${m.subject}\n${m.text}\n${m.html ?? ""}`),
      ...stored.map((m) => `${m.subject}\n${m.text}\n${m.html}`),
    ];
    for (const text of texts) for (const name of names) expect(text.toUpperCase()).not.toContain(name.toUpperCase());
  });
});
