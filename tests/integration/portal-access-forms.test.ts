import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import * as homeRoute from "../../app/routes/portail._index.tsx";
import * as platformRoute from "../../app/routes/portail.administration.tsx";
import * as agentsRoute from "../../app/routes/portail.communes.$siret.agents/route.tsx";
import { addMember, callRoute, createAgent, createCommune, signIn } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The access forms as pages: an invitation to a wrong address and a refused join request are
 * announced (role="alert"), and the invitation's address is marked invalid and kept.
 */
describe("access forms", () => {
  let handle: DatabaseHandle;
  let commune: Awaited<ReturnType<typeof createCommune>>;
  const cookies = { platform: "", admin: "", newcomer: "" };

  beforeAll(async () => {
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    commune = await createCommune(handle.db, "Commune formulaires", 901);
    const platform = await createAgent(handle.db, { email: "plateforme@example.fr", platformAdmin: true });
    const admin = await createAgent(handle.db, { email: "admin@formulaires.fr" });
    await addMember(handle.db, admin.id, commune.id, "admin");
    const newcomer = await createAgent(handle.db, { email: "nouveau@ailleurs.fr" });
    cookies.platform = await signIn(handle.db, platform.id);
    cookies.admin = await signIn(handle.db, admin.id);
    cookies.newcomer = await signIn(handle.db, newcomer.id);
  });
  afterAll(async () => {
    await handle?.close();
  });

  /** The page as it answers `form`: the action's data rendered with the loader's. */
  async function answer(
    route: typeof homeRoute | typeof platformRoute | typeof agentsRoute,
    path: string,
    form: Record<string, string>,
    cookie: string,
    params: Record<string, string> = {},
  ) {
    const posted = await callRoute(route, "action", { path, params, cookie, form });
    const page = await callRoute(route, "loader", { path, params, cookie });
    const html = await renderRoute(route.default, page.data as object, path, posted.data as object);
    return { status: posted.status, data: posted.data, html };
  }
  const emailInput = (html: string) => /<input[^>]*name="email"[^>]*>/.exec(html)?.[0] ?? "";

  it("platform administration: marks an invalid address in error, keeps it and the commune, in an alert", async () => {
    const { status, data, html } = await answer(
      platformRoute,
      "/portail/administration",
      { intent: "invite-admin", collectivityId: commune.id, email: "pas-une-adresse" },
      cookies.platform,
    );
    expect(status).toBe(400);
    expect(data).toMatchObject({ inviteEmail: "pas-une-adresse", inviteCollectivityId: commune.id });
    expect(html).toMatch(/role="alert"><p>Adresse électronique invalide/);
    const input = emailInput(html);
    expect(input).toContain('value="pas-une-adresse"');
    expect(input).toContain('aria-invalid="true"');
    expect(input).toContain('aria-describedby="email-error"');
    expect(html).toMatch(/<p class="fr-message fr-message--error" id="email-error">Saisissez une adresse électronique/);
    expect(html).toMatch(new RegExp(`<option value="${commune.id}" selected="">`));
  });

  it("platform administration: a success stays a status", async () => {
    const { status, html } = await answer(
      platformRoute,
      "/portail/administration",
      { intent: "invite-admin", collectivityId: commune.id, email: "maire@formulaires.fr" },
      cookies.platform,
    );
    expect(status).toBe(200);
    expect(html).toMatch(/role="status"><p>Invitation d’administrateur enregistrée/);
    expect(emailInput(html)).not.toContain("aria-invalid");
  });

  it("commune agents: an invalid invitation is announced as an alert", async () => {
    const { html } = await answer(
      agentsRoute,
      `/portail/communes/${commune.siret}/agents`,
      { intent: "invite", email: "pas-une-adresse", role: "agent" },
      cookies.admin,
      { siret: commune.siret },
    );
    expect(html).toMatch(/role="alert"><p>L’invitation n’a pas été envoyée/);
    expect(emailInput(html)).toContain('aria-invalid="true"');
  });

  it("agents' home: a join request no commune matches is announced as an alert", async () => {
    const { data, html } = await answer(homeRoute, "/portail", { intent: "join" }, cookies.newcomer);
    expect(data).toMatchObject({ join: { type: "error" } });
    expect(html).toMatch(/role="alert"><p>Aucune commune utilisant Portail QF/);
  });
});
