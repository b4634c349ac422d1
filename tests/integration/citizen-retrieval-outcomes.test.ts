import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type {
  ApiParticulierClient,
  QuotientFamilialOutcome,
} from "../../app/integrations/api-particulier/client.server.ts";
import {
  MAX_INLINE_RETRY_AFTER_MS,
  retrieveQuotientFamilial,
} from "../../app/citizen/quotient-familial-retrieval.server.ts";
import * as unavailableRoute from "../../app/routes/demarche.service-indisponible.tsx";
import { collectivities, shipments } from "../../db/schema/index.ts";
import {
  APP_URL,
  CitizenBrowser,
  formUrl,
  signIn,
  signInUntilCallback,
  startCitizenTestbed,
  textOf,
  type CitizenTestbed,
  type Page,
} from "../helpers/citizen-journey.tsx";
import { renderRoute } from "../helpers/render-route.tsx";

/**
 * Every outcome of the QF retrieval right after the FranceConnect login, over the real
 * simulators: the FranceConnect simulator's login, the app's callback route, API Particulier
 * (faults injected through its admin API), and the page the citizen lands on.
 */

const ANGERS = "21490007900010";
const START = `${APP_URL}/collectivites/${ANGERS}/me_connecter`;
const RETRY_ACTION = `/collectivites/${ANGERS}/me_connecter`;

interface LoggedRequest {
  at: string;
  route: string;
  status: number | null;
}

let bed: CitizenTestbed;
let browser: CitizenBrowser;

beforeAll(async () => {
  bed = await startCitizenTestbed();
});
afterAll(() => bed?.close());
beforeEach(async () => {
  await bed.admin("", "reset");
  await bed.handle.db.delete(shipments);
  browser = new CitizenBrowser();
});

const injectApiParticulier = (rule: Record<string, unknown>) =>
  bed.admin("apiParticulier", "/faults", "POST", { route: "france_connect", ...rule });
const clearApiParticulierFaults = () => bed.admin("apiParticulier", "/faults", "DELETE");
async function apiParticulierRequests(): Promise<LoggedRequest[]> {
  const response = await bed.admin("apiParticulier", "/requests", "GET");
  return ((await response.json()) as { requests: LoggedRequest[] }).requests.filter(
    (r) => r.route === "france_connect",
  );
}
const pathOf = (page: Page) => new URL(page.url).pathname;
const h1Of = (page: Page) => textOf(/<h1[^>]*>([\s\S]*?)<\/h1>/.exec(page.body)?.[1] ?? "");
const hasAlternatives = (page: Page) => page.body.includes('id="autres-solutions"');
const hasRetryButton = (page: Page) => page.body.includes(`action="${RETRY_ACTION}"`);
const storedShipments = () => bed.handle.db.select().from(shipments);

describe("QF retrieval right after the FranceConnect login", () => {
  it("shows Angela Dubois' QF 4270 with every block on the review page", async () => {
    const page = await signIn(browser, bed.sims.franceconnectIssuer, START);
    expect(pathOf(page)).toBe("/demarche/verification");
    expect(page.status).toBe(200);
    const text = textOf(page.body);
    expect(text).toMatch(/4 ?270 ?€/);
    expect(page.body).toContain('data-testid="allocataires"');
    expect(page.body).toContain('id="titre-enfants"');
    expect(text).toContain("19 RUE ARISTIDE BRIAND 92330 SCEAUX");
    expect(await apiParticulierRequests()).toMatchObject([{ status: 200 }]);
  });

  describe("not found (404) → the QF-not-found page with the alternatives", () => {
    it.each([
      ["the designated user without a CAF/MSA file", "plusieurs_prénoms_2", false],
      ["a person born abroad without a staging file", "naissance_Portugal", false],
      ["a 404 injected for Angela Dubois", "test", true],
    ])("%s", async (_case, login, inject) => {
      if (inject) await injectApiParticulier({ errorRatio: 1, errorStatuses: [404] });
      const page = await signIn(browser, bed.sims.franceconnectIssuer, START, login);
      expect(pathOf(page)).toBe("/demarche/qf-introuvable");
      expect(h1Of(page)).toBe("Nous n’avons pas trouvé votre quotient familial");
      expect(textOf(page.body)).toContain("Rien n’a été transmis à votre commune.");
      expect(hasAlternatives(page)).toBe(true);
      expect(hasRetryButton(page)).toBe(false);
      expect(await apiParticulierRequests()).toMatchObject([{ status: 404 }]);
      expect(await storedShipments()).toEqual([]);
    });
  });

  describe("provider down → the service-unavailable page with a retry button and the alternatives", () => {
    it.each([502, 504])("API Particulier answers %i", async (status) => {
      await injectApiParticulier({ errorRatio: 1, errorStatuses: [status] });
      const page = await signIn(browser, bed.sims.franceconnectIssuer, START);
      expect(pathOf(page)).toBe("/demarche/service-indisponible");
      expect(h1Of(page)).toBe("La CAF ou la MSA ne répond pas pour le moment");
      expect(hasRetryButton(page)).toBe(true);
      expect(hasAlternatives(page)).toBe(true);
      expect(await apiParticulierRequests()).toMatchObject([{ status }]);
    });

    it("API Particulier never answers (the client gives up after its timeout)", { timeout: 40_000 }, async () => {
      await injectApiParticulier({ timeoutRatio: 1 });
      const page = await signIn(browser, bed.sims.franceconnectIssuer, START);
      expect(pathOf(page)).toBe("/demarche/service-indisponible");
      expect(hasRetryButton(page)).toBe(true);
      expect(hasAlternatives(page)).toBe(true);
      expect(await apiParticulierRequests()).toMatchObject([{ status: null }]);
    });

    it("offers a retry twice, then only the alternatives", async () => {
      await injectApiParticulier({ errorRatio: 1, errorStatuses: [502] });
      let page = await signIn(browser, bed.sims.franceconnectIssuer, START);
      expect(hasRetryButton(page)).toBe(true);

      // "Réessayer" is a new FranceConnect login, silent while the FranceConnect session lives.
      page = await signIn(browser, bed.sims.franceconnectIssuer, formUrl(page.body, RETRY_ACTION));
      expect(pathOf(page)).toBe("/demarche/service-indisponible");
      expect(hasRetryButton(page)).toBe(true);

      page = await signIn(browser, bed.sims.franceconnectIssuer, formUrl(page.body, RETRY_ACTION));
      expect(pathOf(page)).toBe("/demarche/service-indisponible");
      expect(hasRetryButton(page)).toBe(false);
      expect(textOf(page.body)).toContain("Le service est toujours indisponible. Réessayez plus tard");
      expect(hasAlternatives(page)).toBe(true);
      expect((await apiParticulierRequests()).map((r) => r.status)).toEqual([502, 502, 502]);

      // Once the provider is back, logging in again from the commune page works.
      await clearApiParticulierFaults();
      page = await signIn(browser, bed.sims.franceconnectIssuer, START);
      expect(pathOf(page)).toBe("/demarche/verification");
    });

    it("keeps the commune portal's external_id and redirect_uri through a retry", async () => {
      await bed.handle.db
        .update(collectivities)
        .set({ redirectOrigins: ["https://portail.angers.example"] })
        .where(eq(collectivities.siret, ANGERS));
      try {
        await injectApiParticulier({ errorRatio: 1, errorStatuses: [504] });
        const deepLink = `${START}?external_id=famille-42&redirect_uri=${encodeURIComponent("https://portail.angers.example/qf?ok=1")}`;
        let page = await signIn(browser, bed.sims.franceconnectIssuer, deepLink);
        expect(pathOf(page)).toBe("/demarche/service-indisponible");

        await clearApiParticulierFaults();
        page = await signIn(browser, bed.sims.franceconnectIssuer, formUrl(page.body, RETRY_ACTION));
        expect(pathOf(page)).toBe("/demarche/verification");
        page = await browser.submit(`${APP_URL}/demarche/verification`, { consentement: "oui" });
        expect(pathOf(page)).toBe("/demarche/confirmation");
        expect(page.body).toContain(
          'href="https://portail.angers.example/qf?ok=1">Retourner sur le site de ma commune',
        );

        const folders = bed.sims.modules.hubee.folders().filter((f) => f.processCode === "FormulaireQF");
        expect(folders).toHaveLength(1);
        const json = JSON.parse(bed.sims.modules.hubee.attachmentBytes(folders[0]!.attachments[0]!.id)!.toString());
        expect(json.external_id).toBe("famille-42");
      } finally {
        await bed.handle.db.update(collectivities).set({ redirectOrigins: [] }).where(eq(collectivities.siret, ANGERS));
      }
    });
  });

  describe("429 from API Particulier", () => {
    it("is retried once, automatically, after Retry-After, and the citizen sees the review page", async () => {
      await injectApiParticulier({ errorRatio: 1, errorStatuses: [429] });
      const callback = await signInUntilCallback(browser, bed.sims.franceconnectIssuer, START);
      const landing = browser.navigate(callback);
      // The 429 left: the API has room again before the app retries (Retry-After: 1 s).
      await vi.waitFor(async () => expect((await apiParticulierRequests()).map((r) => r.status)).toEqual([429]), {
        timeout: 5_000,
        interval: 20,
      });
      await clearApiParticulierFaults();
      const page = await landing;
      expect(pathOf(page)).toBe("/demarche/verification");
      const [limited, retried] = await apiParticulierRequests();
      expect(retried?.status).toBe(200);
      // Not before Retry-After: the real API bans a client that does not wait.
      expect(Date.parse(retried!.at) - Date.parse(limited!.at)).toBeGreaterThanOrEqual(950);
    });

    it("still limited after that retry → the service-unavailable page says to wait, then retry", async () => {
      await injectApiParticulier({ errorRatio: 1, errorStatuses: [429] });
      const page = await signIn(browser, bed.sims.franceconnectIssuer, START);
      expect(pathOf(page)).toBe("/demarche/service-indisponible");
      expect((await apiParticulierRequests()).map((r) => r.status)).toEqual([429, 429]);
      expect(h1Of(page)).toBe("Le service reçoit trop de demandes en ce moment");
      expect(textOf(page.body)).toContain("Patientez environ 1 seconde, puis réessayez");
      expect(hasRetryButton(page)).toBe(true);
      expect(hasAlternatives(page)).toBe(true);
    });

    it("is not waited for inline when Retry-After exceeds what a citizen can wait", async () => {
      const outcome: QuotientFamilialOutcome = { kind: "rate_limited", retryAfterMs: MAX_INLINE_RETRY_AFTER_MS + 1 };
      const client = {
        quotientFamilialWithFranceConnect: vi.fn(async () => outcome),
        quotientFamilialWithIdentity: vi.fn(),
      } satisfies ApiParticulierClient;
      const wait = vi.fn(async () => {});
      expect(await retrieveQuotientFamilial(client, "token", ANGERS, wait)).toEqual(outcome);
      expect(client.quotientFamilialWithFranceConnect).toHaveBeenCalledTimes(1);
      expect(wait).not.toHaveBeenCalled();
    });

    it("tells to wait minutes or hours when that is what the API asked", async () => {
      const render = (waitSeconds: number) =>
        renderRoute(unavailableRoute.default, { siret: ANGERS, canRetry: true, waitSeconds, retryFields: {} });
      expect(textOf(await render(90))).toContain("Patientez environ 2 minutes, puis réessayez");
      expect(textOf(await render(12 * 3600))).toContain("Patientez environ 12 heures, puis réessayez");
    });
  });

  describe("401/403 from API Particulier → the service error page", () => {
    it.each([401, 403])("API Particulier answers %i", async (status) => {
      await injectApiParticulier({ errorRatio: 1, errorStatuses: [status] });
      const page = await signIn(browser, bed.sims.franceconnectIssuer, START);
      expect(pathOf(page)).toBe("/demarche/erreur");
      expect(page.status).toBe(503);
      expect(h1Of(page)).toBe("Le service rencontre un problème");
      expect(textOf(page.body)).toContain("Vous n’y êtes pour rien");
      expect(hasRetryButton(page)).toBe(false);
      expect(hasAlternatives(page)).toBe(true);
      expect(await apiParticulierRequests()).toMatchObject([{ status }]);
    });
  });

  it("shows what is there when the answer lacks the keys of missing scopes", async () => {
    // FranceConnect granted only the QF scope: API Particulier (like production) leaves out the other keys.
    const franceconnect = bed.sims.modules.franceconnect;
    const introspect = franceconnect.introspect;
    franceconnect.introspect = async (token) => {
      const introspection = await introspect(token);
      return (
        introspection && { ...introspection, scope: introspection.scope.filter((s) => !/^cnaf_(?!quotient)/.test(s)) }
      );
    };
    try {
      const page = await signIn(browser, bed.sims.franceconnectIssuer, START);
      expect(pathOf(page)).toBe("/demarche/verification");
      const text = textOf(page.body);
      expect(text).toMatch(/4 ?270 ?€/);
      expect(page.body).not.toContain('data-testid="allocataires"');
      expect(page.body).not.toContain('id="titre-enfants"');
      expect(text).not.toContain("ARISTIDE BRIAND");
      expect(text).toContain("Transmettre à Angers");
    } finally {
      franceconnect.introspect = introspect;
    }
  });
});
