import { eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseHandle } from "../../db/client.ts";
import { agents, invitations } from "../../db/schema/index.ts";
import { useDatabaseHandle } from "../../app/db.server.ts";
import * as homeRoute from "../../app/routes/portail._index.tsx";
import * as platformRoute from "../../app/routes/portail.administration/route.tsx";
import * as agentsRoute from "../../app/routes/portail.communes.$siret.agents/route.tsx";
import { addMember, callRoute, createAgent, createCommune, signIn, withCookies } from "../helpers/portal-fixtures.ts";
import { renderRoute } from "../helpers/render-route.tsx";
import { createTestDatabase } from "../helpers/test-database.ts";

/**
 * The access forms as pages: an invitation to a wrong address and a refused join request are
 * announced (role="alert"), and the invitation's address is marked invalid and kept.
 */
describe("access forms", () => {
  let handle: DatabaseHandle;
  let commune: Awaited<ReturnType<typeof createCommune>>;
  /** A commune without an administrator: the only kind a platform administrator may invite into. */
  let orphan: Awaited<ReturnType<typeof createCommune>>;
  const cookies = { platform: "", admin: "", newcomer: "", colleague: "" };

  beforeAll(async () => {
    handle = await createTestDatabase();
    useDatabaseHandle(handle);
    commune = await createCommune(handle.db, "Commune formulaires", 901);
    orphan = await createCommune(handle.db, "Commune sans administrateur", 902);
    const platform = await createAgent(handle.db, { email: "plateforme@example.fr", platformAdmin: true });
    const admin = await createAgent(handle.db, { email: "admin@formulaires.fr" });
    await addMember(handle.db, admin.id, commune.id, "admin");
    const newcomer = await createAgent(handle.db, { email: "nouveau@ailleurs.fr" });
    cookies.platform = await signIn(handle.db, platform.id);
    cookies.admin = await signIn(handle.db, admin.id);
    cookies.newcomer = await signIn(handle.db, newcomer.id);
    // ProConnect ties this one to the commune: they may ask to join it.
    const colleague = await createAgent(handle.db, { email: "collegue@formulaires.fr", givenName: "Léa" });
    await handle.db.update(agents).set({ lastSiretClaim: commune.siret }).where(eq(agents.id, colleague.id));
    cookies.colleague = await signIn(handle.db, colleague.id);
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
      { intent: "invite-admin", collectivityId: orphan.id, email: "pas-une-adresse" },
      cookies.platform,
    );
    expect(status).toBe(400);
    expect(data).toMatchObject({ inviteEmail: "pas-une-adresse", inviteCollectivityId: orphan.id });
    expect(html).toMatch(/role="alert"><p>Adresse électronique invalide/);
    const input = emailInput(html);
    expect(input).toContain('value="pas-une-adresse"');
    expect(input).toContain('aria-invalid="true"');
    expect(input).toContain('aria-describedby="email-error"');
    expect(html).toMatch(/<p class="fr-message fr-message--error" id="email-error">Saisissez une adresse électronique/);
    expect(html).toMatch(new RegExp(`<option value="${orphan.id}" selected="">`));
    // A commune with an administrator is not offered: its administrators invite their colleagues.
    expect(html).not.toContain(`<option value="${commune.id}"`);
  });

  it("platform administration: refuses to invite oneself, or into a commune that has an administrator", async () => {
    const self = await answer(
      platformRoute,
      "/portail/administration",
      { intent: "invite-admin", collectivityId: orphan.id, email: "Plateforme@example.fr" },
      cookies.platform,
    );
    expect(self.status).toBe(403);
    expect(self.html).toMatch(/role="alert"><p>Vous ne pouvez pas vous inviter dans une commune/);
    expect(emailInput(self.html)).toContain('aria-invalid="true"');
    const taken = await answer(
      platformRoute,
      "/portail/administration",
      { intent: "invite-admin", collectivityId: commune.id, email: "complice@exemple.fr" },
      cookies.platform,
    );
    expect(taken.status).toBe(409);
    expect(taken.html).toMatch(/role="alert"><p>Commune formulaires a déjà un administrateur/);
    expect(
      await handle.db
        .select()
        .from(invitations)
        .where(inArray(invitations.collectivityId, [orphan.id, commune.id])),
    ).toEqual([]);
  });

  it("platform administration: a success redirects to the page, which shows it once as a status", async () => {
    const path = "/portail/administration";
    const posted = await callRoute(platformRoute, "action", {
      path,
      cookie: cookies.platform,
      form: { intent: "invite-admin", collectivityId: orphan.id, email: "maire@formulaires.fr" },
    });
    expect(posted).toMatchObject({ status: 302, location: path });
    const page = await callRoute(platformRoute, "loader", { path, cookie: withCookies(cookies.platform, posted) });
    const html = await renderRoute(platformRoute.default, page.data as object, path);
    expect(html).toMatch(/role="status"><p>Invitation d’administrateur enregistrée pour Commune sans administrateur/);
    expect(emailInput(html)).not.toContain("aria-invalid");
    // Shown once: the page clears the message as it shows it.
    expect(page.cookies).toEqual([]);
    const again = await callRoute(platformRoute, "loader", { path, cookie: cookies.platform });
    expect(await renderRoute(platformRoute.default, again.data as object, path)).not.toContain(
      "Invitation d’administrateur",
    );
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

  /** Posts `form`, follows the redirect and renders the page it leads to, with its flash message. */
  async function redirected(
    route: typeof homeRoute | typeof agentsRoute,
    path: string,
    form: Record<string, string>,
    cookie: string,
    params: Record<string, string> = {},
  ) {
    const posted = await callRoute(route, "action", { path, params, cookie, form });
    expect(posted).toMatchObject({ status: 302, location: path });
    const page = await callRoute(route, "loader", { path, params, cookie: withCookies(cookie, posted) });
    return { data: page.data, html: await renderRoute(route.default, page.data as object, path) };
  }

  it("agents' home: a join request redirects to the page, which says it is sent and awaits a decision", async () => {
    const { html } = await redirected(homeRoute, "/portail", { intent: "join" }, cookies.colleague);
    expect(html).toMatch(/role="status"><p>Votre demande est envoyée/);
    expect(html).toContain("Demande envoyée à Commune formulaires");
    // Asking again changes nothing: said on the page, without a redirect.
    const again = await answer(homeRoute, "/portail", { intent: "join" }, cookies.colleague);
    expect(again.data).toMatchObject({ join: { type: "info", text: "Votre demande est déjà en attente." } });
  });

  it("commune agents: each change redirects with its message; a refused one is said on the page", async () => {
    const path = `/portail/communes/${commune.siret}/agents`;
    const params = { siret: commune.siret };
    const invited = await redirected(
      agentsRoute,
      path,
      { intent: "invite", email: " Nouvel.Agent@Formulaires.fr ", role: "admin" },
      cookies.admin,
      params,
    );
    expect(invited.html).toMatch(
      /role="status"><p>Invitation enregistrée pour nouvel.agent@formulaires.fr : elle lui est envoyée par courriel\./,
    );
    expect(emailInput(invited.html)).not.toContain("value=");
    const page = invited.data as Awaited<ReturnType<typeof agentsRoute.loader>>["data"];
    const invitation = page.invitations.find((i) => i.email === "nouvel.agent@formulaires.fr");
    expect(invitation).toMatchObject({ role: "admin", expired: false });

    const cancelled = await redirected(
      agentsRoute,
      path,
      { intent: "cancel-invitation", invitationId: invitation!.id },
      cookies.admin,
      params,
    );
    expect(cancelled.html).toMatch(/role="status"><p>Invitation annulée\./);
    const twice = await answer(
      agentsRoute,
      path,
      { intent: "cancel-invitation", invitationId: invitation!.id },
      cookies.admin,
      params,
    );
    expect(twice.status).toBe(200);
    expect(twice.html).toMatch(/role="alert"><p>Cette invitation n’est plus en attente\./);

    const request = page.joinRequests.find((r) => r.email === "collegue@formulaires.fr");
    expect(request).toBeDefined();
    const accepted = await redirected(
      agentsRoute,
      path,
      { intent: "accept-join", joinRequestId: request!.id },
      cookies.admin,
      params,
    );
    expect(accepted.html).toMatch(/role="status"><p>Demande acceptée/);
    expect(accepted.html).toContain("collegue@formulaires.fr");
  });

  it("commune agents: a forged form is refused with a 400", async () => {
    const path = `/portail/communes/${commune.siret}/agents`;
    const params = { siret: commune.siret };
    const post = (form: Record<string, string>) =>
      callRoute(agentsRoute, "action", { path, params, cookie: cookies.admin, form });
    const forged: Record<string, string>[] = [
      { intent: "revoke", membershipId: "pas-un-identifiant" },
      { intent: "change-role", membershipId: crypto.randomUUID(), role: "maire" },
      { intent: "supprimer-tout" },
    ];
    for (const form of forged) {
      const answer = await post(form);
      expect(answer).toMatchObject({ status: 400, thrown: true });
    }
  });
});
