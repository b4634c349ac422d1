import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { auditEvents, OPTIONAL_MAIL_KINDS } from "../../db/schema/index.ts";
import { getConfig } from "../../app/config.server.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import { renderMail } from "../../app/mail/render.server.tsx";
import { unsubscribeToken } from "../../app/mail/unsubscribe-token.server.ts";
import { wantsMail } from "../../app/mail/recipients.server.ts";
import { PREFERENCE_KINDS } from "../../app/portal/preferences/mail-kind-labels.ts";
import * as unsubscribeRoute from "../../app/routes/courriels.desabonnement.$token.tsx";
import * as preferencesRoute from "../../app/routes/portail.preferences.tsx";
import { addMember, callRoute, createAgent, createCommune, signIn } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

let handle: DatabaseHandle;
let admin: Awaited<ReturnType<typeof createAgent>>;
let agent: Awaited<ReturnType<typeof createAgent>>;

beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  const commune = await createCommune(handle.db, "Saumur-Préférences", 81);
  admin = await createAgent(handle.db, { email: "admin@saumur-preferences.fr" });
  agent = await createAgent(handle.db, { email: "agent@saumur-preferences.fr" });
  await addMember(handle.db, admin.id, commune.id, "admin");
  await addMember(handle.db, agent.id, commune.id, "agent");
});
afterAll(async () => {
  await handle?.close();
});

type Preferences = Record<(typeof OPTIONAL_MAIL_KINDS)[number], boolean>;
const preferencesOf = async (cookie: string) =>
  (
    (await callRoute(preferencesRoute, "loader", { path: "/portail/preferences", cookie })).data as {
      preferences: Preferences;
    }
  ).preferences;

describe("mail preferences", () => {
  it("lists every optional mail, the daily digest on by default for administrators only", async () => {
    expect([...PREFERENCE_KINDS].sort()).toEqual([...OPTIONAL_MAIL_KINDS].sort());
    expect(await preferencesOf(await signIn(handle.db, admin.id))).toMatchObject({
      daily_digest: true,
      campaign_ended: true,
    });
    expect(await preferencesOf(await signIn(handle.db, agent.id))).toMatchObject({
      daily_digest: false,
      export_finished: true,
    });
  });

  it("saves the agent's choices (an unchecked box is off), journaled, with a flash after the redirect", async () => {
    const cookie = await signIn(handle.db, agent.id);
    const answer = await callRoute(preferencesRoute, "action", {
      path: "/portail/preferences",
      cookie,
      form: { daily_digest: "on", export_finished: "on" },
    });
    expect(answer.status).toBe(302);
    expect(answer.location).toBe("/portail/preferences");
    expect(await preferencesOf(cookie)).toEqual({
      daily_digest: true,
      campaign_ended: false,
      integration_incident: false,
      webhook_disabled: false,
      export_finished: true,
    });
    expect(await wantsMail(handle.db, agent.id, "campaign_ended", false)).toBe(false);
    const audits = await handle.db
      .select()
      .from(auditEvents)
      .where(and(eq(auditEvents.action, "mail_preferences.updated"), eq(auditEvents.actorAgentId, agent.id)));
    expect(audits).toHaveLength(1);
    // A forged value is a 400, not a 500.
    const bad = await callRoute(preferencesRoute, "action", {
      path: "/portail/preferences",
      cookie,
      form: { daily_digest: "peut-être" },
    });
    expect(bad.status).toBe(400);
  });

  it("one-click unsubscribe: the POST of the List-Unsubscribe address turns that mail off at once; its GET lands on the preferences", async () => {
    const mail = await renderMail("Objet", <p>Bonjour</p>, { agentId: admin.id, kind: "campaign_ended" });
    expect(mail.headers?.["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    const url = /^<(.+)>$/.exec(mail.headers!["List-Unsubscribe"]!)![1]!;
    const token = url.split("/").pop()!;
    expect(token).toBe(unsubscribeToken(admin.id, "campaign_ended", getConfig().SESSION_SECRET));
    expect(new URL(url).pathname).toBe(`/courriels/desabonnement/${token}`);

    const path = `/courriels/desabonnement/${token}`;
    const view = await callRoute(unsubscribeRoute, "loader", { path, params: { token } });
    expect(view.status).toBe(302);
    expect(view.location).toBe("/portail/preferences");
    expect(await wantsMail(handle.db, admin.id, "campaign_ended", true)).toBe(true);

    const done = await callRoute(unsubscribeRoute, "action", {
      path,
      params: { token },
      form: { "List-Unsubscribe": "One-Click" },
    });
    expect(done.status).toBe(200);
    expect(await wantsMail(handle.db, admin.id, "campaign_ended", true)).toBe(false);
    expect(await wantsMail(handle.db, admin.id, "daily_digest", true)).toBe(true);

    // A token altered (another agent, another kind) changes nothing.
    const forged = token.replace(admin.id, agent.id);
    const refused = await callRoute(unsubscribeRoute, "action", { path, params: { token: forged } });
    expect(refused.status).toBe(400);
    const otherKind = token.replace("campaign_ended", "daily_digest");
    expect((await callRoute(unsubscribeRoute, "action", { path, params: { token: otherKind } })).status).toBe(400);
    expect(await wantsMail(handle.db, admin.id, "daily_digest", true)).toBe(true);
  });
});
