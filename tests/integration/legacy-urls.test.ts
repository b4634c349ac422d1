import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type RunningApp } from "../helpers/app-process.ts";

/**
 * Every public URL of the national form (../shared/specs/formulaire-qf-reference/README.md) still
 * answers once Portail QF takes over: the same page, or a permanent redirect to ours. Posters, QR
 * codes and communes' websites point at them. Over real HTTP, against the built app.
 */
let app: RunningApp;
beforeAll(async () => {
  app = await startApp({ env: { LOG_LEVEL: "silent" } });
}, 90_000);
afterAll(() => app?.stop());

const get = (path: string) => fetch(`${app.url}${path}`, { redirect: "manual" });
const SIRET = "21490007900010";

describe("the national form's URLs", () => {
  it.each([
    [`/collectivites/select?id=${SIRET}`, `/collectivites/${SIRET}`],
    ["/collectivites/select?id=pas-un-siret", "/collectivites"],
    [`/collectivites/${SIRET}/sans_france_connect`, "/sans-france-connect"],
    [`/collectivites/${SIRET}/erreur`, "/demarche/erreur"],
    [`/collectivites/${SIRET}/envoyer_mes_donnees`, "/demarche/verification"],
    ["/cgu_usagers", "/conditions-generales-d-utilisation"],
    ["/cgu_administrations", "/conditions-generales-d-utilisation-administrations"],
    ["/auth/failure", "/demarche/erreur"],
  ])("%s redirects permanently to %s, which answers", async (legacy, target) => {
    const response = await get(legacy);
    expect(response.status).toBe(301);
    expect(new URL(response.headers.get("location")!, app.url).pathname).toBe(target);
    // The target is a route of ours: a page, or (/demarche/verification without a journey) a redirect to the
    // journey's start. /demarche/erreur answers 503 on purpose: it says our service failed.
    const page = await get(target);
    if (page.status >= 300 && page.status < 400) expect(page.headers.get("location"), target).toBeTruthy();
    else expect(await page.text(), target).toContain("<h1");
    expect(page.status, target).not.toBe(404);
    if (target !== "/demarche/erreur") expect(page.status, target).toBeLessThan(500);
  });

  it.each(["/collectivites", `/collectivites/${SIRET}`, "/accessibilite", "/faq"])(
    "%s is served as is",
    async (path) => {
      const response = await get(path);
      // An unknown commune answers its own 404 page with the list, as the form did.
      expect([200, 404]).toContain(response.status);
      expect(await response.text()).toContain("<h1");
    },
  );

  it("serves /up like /healthz for the monitoring that polls it", async () => {
    const response = await get("/up");
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("keeps the confirmation link: it tells where a transmission stands, never what it carried", async () => {
    const response = await get(`/collectivites/${SIRET}/confirmation/0A1B2C3D4E5F6`);
    expect(response.status).toBe(404);
    const html = await response.text();
    expect(html).toContain("Transmission introuvable");
    expect(html).toContain("0A1B2C3D4E5F6");
    expect(response.headers.get("cache-control")).toContain("no-store");
  });

  it("answers FranceConnect at the form's /callback and /logout-callback, as at ours", async () => {
    // Without a journey in progress both send the citizen where ours do: same loaders, same answers.
    for (const [legacy, ours] of [
      ["/callback?code=x&state=y", "/auth/franceconnect/callback?code=x&state=y"],
      ["/logout-callback?state=y", "/auth/franceconnect/logout-callback?state=y"],
    ]) {
      const [a, b] = await Promise.all([get(legacy!), get(ours!)]);
      expect(a.status, legacy).toBe(b.status);
      expect(a.headers.get("location"), legacy).toBe(b.headers.get("location"));
    }
  });

  it("has a FAQ that answers what is sent, how long it is kept and what to do without FranceConnect", async () => {
    const html = await (await get("/faq")).text();
    for (const question of [
      "Que transmet Portail QF à ma commune ?",
      "Combien de temps mes données sont-elles conservées ?",
      "Mon quotient familial est faux",
      "Je n’ai pas FranceConnect",
      "Que voit la commune ?",
    ]) {
      expect(html).toContain(question);
    }
  });
});
