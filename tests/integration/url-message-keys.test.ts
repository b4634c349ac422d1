import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { useDatabaseHandle } from "~/db.server";
import * as communePage from "~/routes/collectivites.$siret._index";
import * as communeList from "~/routes/collectivites._index";
import * as agentLogin from "~/routes/portail.connexion";
import { LOGIN_MESSAGES } from "~/portal/access/proconnect-login.server";
import { callRoute } from "../helpers/portal-fixtures.ts";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * Pages pick a message by a key from the URL (?franceconnect=annule, ?session=expiree…). A key
 * that names one of Object's members must find nothing, not a function rendered as a message.
 */
const OBJECT_MEMBERS = ["constructor", "toString", "__proto__", "hasOwnProperty", "valueOf"];
const ANGERS = "21490007900010";

let handle: DatabaseHandle;
beforeAll(async () => {
  handle = await createTestDatabase();
  useDatabaseHandle(handle);
  await seedDemo(handle.db);
});
afterAll(async () => {
  await handle?.close();
});

describe("messages chosen by a URL key", () => {
  it("the commune page shows FranceConnect's cancel message, and nothing for Object's members", async () => {
    const page = (query: string) =>
      callRoute(communePage, "loader", { path: `/collectivites/${ANGERS}?${query}`, params: { siret: ANGERS } });
    expect(((await page("franceconnect=annule")).data as { message: unknown }).message).toBeTruthy();
    for (const key of OBJECT_MEMBERS) {
      const answer = await page(`franceconnect=${key}`);
      expect(answer.status, key).toBe(200);
      expect((answer.data as { message: unknown }).message, key).toBeNull();
    }
  });

  it("the commune list shows the expired-session and no-journey notices, and nothing for Object's members", async () => {
    const list = (query: string) => callRoute(communeList, "loader", { path: `/collectivites?${query}` });
    const notice = async (query: string) => ((await list(query)).data as { notice: { text: string } | null }).notice;
    expect((await notice("session=expiree"))?.text).toMatch(/session a expiré/);
    expect((await notice("session=aucune"))?.text).toMatch(/Aucune démarche n’est en cours/);
    for (const key of OBJECT_MEMBERS) expect(await notice(`session=${key}`), key).toBeNull();
  });

  it("the agents' login page shows a login error, and nothing for Object's members", async () => {
    const login = (query: string) => callRoute(agentLogin, "loader", { path: `/portail/connexion?${query}` });
    const known = Object.keys(LOGIN_MESSAGES)[0]!;
    expect(((await login(`erreur=${known}`)).data as { message: unknown }).message).toBeTruthy();
    for (const key of OBJECT_MEMBERS) {
      expect(((await login(`erreur=${key}`)).data as { message: unknown }).message, key).toBeNull();
    }
  });
});
