import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CITIZEN_SESSION_SECONDS } from "../../app/citizen/citizen-session.server.ts";
import { collectivities, refusedRedirectOrigins, shipments } from "../../db/schema/index.ts";
import {
  APP_URL,
  CitizenBrowser,
  formUrl,
  isFranceConnectLoginPage,
  signIn,
  startCitizenTestbed,
  textOf,
  type CitizenTestbed,
  type Page,
} from "../helpers/citizen-journey.tsx";

/**
 * The citizen journey around the QF retrieval, over the real simulators: the commune portal's
 * deep link, cancel and error at FranceConnect, consent, confirmation, session cookie and logout.
 */

const ANGERS = "21490007900010";
const QUIMPER_INACTIVE = "21290232000010";
const UNKNOWN_SIRET = "21490007900028";
const PORTAL = "https://portail.angers.example";
const COOKIE = "__qf_citoyen";
const MARKER = "__qf_demarche";
const LOGIN_ACTION = `/collectivites/${ANGERS}/me_connecter`;

let bed: CitizenTestbed;
let browser: CitizenBrowser;
let issuer: string;

const FEEDBACK_URL = "https://voxusagers.numerique.gouv.fr/Demarches/1234";

beforeAll(async () => {
  // Read by getConfig() on first use, in the testbed.
  process.env.FEEDBACK_URL = FEEDBACK_URL;
  bed = await startCitizenTestbed();
  issuer = bed.sims.franceconnectIssuer;
  // Angers registered its portal's origin for redirect_uri (commune settings in the agents' portal).
  await bed.handle.db
    .update(collectivities)
    .set({ redirectOrigins: [PORTAL] })
    .where(eq(collectivities.siret, ANGERS));
});
afterAll(() => {
  delete process.env.FEEDBACK_URL;
  return bed?.close();
});
beforeEach(async () => {
  await bed.admin("", "reset");
  await bed.handle.db.delete(shipments);
  browser = new CitizenBrowser();
});

const pathOf = (page: Page) => new URL(page.url).pathname;
const deepLink = (externalId: string, redirectUri: string) =>
  `${APP_URL}/collectivites/${ANGERS}/me_connecter?external_id=${encodeURIComponent(externalId)}&redirect_uri=${encodeURIComponent(redirectUri)}`;
const formulaireQfFolders = () => bed.sims.modules.hubee.folders().filter((f) => f.processCode === "FormulaireQF");
function attachedJson(folderIndex = 0) {
  const folder = formulaireQfFolders()[folderIndex]!;
  return JSON.parse(bed.sims.modules.hubee.attachmentBytes(folder.attachments[0]!.id)!.toString()) as {
    external_id: string | null;
  };
}
const consent = () => browser.submit(`${APP_URL}/demarche/verification`, { consentement: "oui" });
const RETURN_BUTTON = "Retourner sur le site de ma commune";
const headingLevels = (html: string) => [...html.matchAll(/<h([1-6])[\s>]/g)].map((match) => Number(match[1]));
/** The page's title first, then no skipped level (RGAA 9.1): the stepper and alerts come under the h1. */
function expectHeadingOrder(html: string) {
  const levels = headingLevels(html);
  expect(levels[0]).toBe(1);
  expect(levels.filter((level) => level === 1)).toHaveLength(1);
  levels.forEach((level, index) => {
    if (index > 0) expect(level - levels[index - 1]!).toBeLessThanOrEqual(1);
  });
}
const consentCheckbox = (html: string) => /<input[^>]*name="consentement"[^>]*>/.exec(html)?.[0] ?? "";

describe("the commune portal's deep link", () => {
  it("carries external_id into the payload and offers the way back to a registered origin", async () => {
    const review = await signIn(browser, issuer, deepLink("famille-42", `${PORTAL}/qf/retour?dossier=42`));
    expect(pathOf(review)).toBe("/demarche/verification");
    expectHeadingOrder(review.body);
    const confirmation = await consent();
    expect(pathOf(confirmation)).toBe("/demarche/confirmation");
    expect(textOf(confirmation.body)).toContain("Votre quotient familial a été transmis à Angers");
    expectHeadingOrder(confirmation.body);
    expect(confirmation.body).toContain(`href="${PORTAL}/qf/retour?dossier=42">${RETURN_BUTTON}</a>`);
    // « Je donne mon avis », configured by FEEDBACK_URL, in a new window that says so.
    expect(confirmation.body).toMatch(
      new RegExp(
        `<a class="fr-link" href="${FEEDBACK_URL}" target="_blank" rel="noopener noreferrer" title="Je donne mon avis - nouvelle fenêtre">Je donne mon avis</a>`,
      ),
    );
    expect(formulaireQfFolders()).toHaveLength(1);
    expect(attachedJson().external_id).toBe("famille-42");
  });

  it("carries an unusual file number intact, shown on the review page and escaped in every attachment", async () => {
    const number = "DOSSIER 42 #A=1&b <école> 50%?";
    const review = await signIn(browser, issuer, deepLink(`${number}\u0007`, `${PORTAL}/qf/retour`));
    expect(pathOf(review)).toBe("/demarche/verification");
    // The control character is dropped; the rest is what the commune sent.
    expect(textOf(review.body)).toContain("transmis avec votre quotient familial :");
    expect(review.body).toContain("<strong>DOSSIER 42 #A=1&amp;b &lt;école&gt; 50%?</strong>");
    await consent();
    expect(attachedJson().external_id).toBe(number);
    const folder = formulaireQfFolders()[0]!;
    const xml = folder.attachments.find((a) => a.mimeType.includes("xml"))!;
    expect(bed.sims.modules.hubee.attachmentBytes(xml.id)!.toString()).toContain(
      "DOSSIER 42 #A=1&amp;b &lt;école&gt; 50%?",
    );
  });

  it("says before FranceConnect that a file number over 255 characters cannot travel, and goes on without it", async () => {
    const page = await browser.navigate(deepLink("N".repeat(256), `${PORTAL}/qf/retour`));
    expect(pathOf(page)).toBe(`/collectivites/${ANGERS}`);
    expect(textOf(page.body)).toContain("Le numéro de dossier envoyé par le site de votre commune est trop long");
    // The button goes on without the number, still with the way back to the commune's site.
    expect(page.body).not.toContain("NNNN");
    expect(page.body).toContain(`value="${PORTAL}/qf/retour"`);
    expect(browser.cookie(APP_URL, COOKIE)).toBeNull();
  });

  it("never sends the citizen back to an origin the commune did not register", async () => {
    await signIn(browser, issuer, deepLink("famille-43", "https://portail-angers.example.evil/qf"));
    const confirmation = await consent();
    expect(pathOf(confirmation)).toBe("/demarche/confirmation");
    expect(confirmation.body).not.toContain(RETURN_BUTTON);
    expect(confirmation.body).not.toContain("evil");
    expect(attachedJson().external_id).toBe("famille-43");
    // The refusal is kept for the commune's settings page: the origin only, not the path.
    const [angers] = await bed.handle.db.select().from(collectivities).where(eq(collectivities.siret, ANGERS));
    const refused = await bed.handle.db
      .select()
      .from(refusedRedirectOrigins)
      .where(eq(refusedRedirectOrigins.collectivityId, angers!.id));
    expect(refused.map((r) => r.origin)).toContain("https://portail-angers.example.evil");
  });

  it("keeps external_id and redirect_uri when the citizen cancels at FranceConnect and starts again", async () => {
    const login = await browser.navigate(deepLink("famille-44", `${PORTAL}/retour`));
    expect(isFranceConnectLoginPage(login, issuer)).toBe(true);
    const back = await browser.submit(`${login.url}/abort`, {});
    expect(pathOf(back)).toBe(`/collectivites/${ANGERS}`);
    expect(new URL(back.url).searchParams.get("franceconnect")).toBe("annule");
    expect(textOf(back.body)).toContain("Vous avez annulé la connexion avec FranceConnect. Rien n’a été transmis.");

    // The FranceConnect button of the commune page sends them again.
    const again = formUrl(back.body, LOGIN_ACTION);
    expect(new URL(again).searchParams.get("external_id")).toBe("famille-44");
    expect(new URL(again).searchParams.get("redirect_uri")).toBe(`${PORTAL}/retour`);
    expect(pathOf(await signIn(browser, issuer, again))).toBe("/demarche/verification");
    const confirmation = await consent();
    expect(confirmation.body).toContain(`href="${PORTAL}/retour">${RETURN_BUTTON}</a>`);
    expect(attachedJson().external_id).toBe("famille-44");
  });

  it("keeps them too when FranceConnect fails, with a message", async () => {
    await bed.admin("franceconnect", "/faults", "POST", { route: "/token$", errorRatio: 1, errorStatuses: [500] });
    const back = await signIn(browser, issuer, deepLink("famille-45", `${PORTAL}/retour`));
    expect(pathOf(back)).toBe(`/collectivites/${ANGERS}`);
    expect(new URL(back.url).searchParams.get("franceconnect")).toBe("erreur");
    expect(textOf(back.body)).toContain("La connexion avec FranceConnect n’a pas abouti.");
    const again = new URL(formUrl(back.body, LOGIN_ACTION));
    expect(again.searchParams.get("external_id")).toBe("famille-45");
    expect(again.searchParams.get("redirect_uri")).toBe(`${PORTAL}/retour`);
  });

  it("does not pass on a return URL of an unregistered origin after a cancel", async () => {
    const login = await browser.navigate(deepLink("famille-46", "https://evil.example/"));
    const back = await browser.submit(`${login.url}/abort`, {});
    const again = new URL(formUrl(back.body, LOGIN_ACTION));
    expect(again.searchParams.get("external_id")).toBe("famille-46");
    expect(again.searchParams.has("redirect_uri")).toBe(false);
  });
});

describe("unknown or inactive commune", () => {
  it.each([
    ["an unknown SIRET", UNKNOWN_SIRET],
    ["an inactive commune", QUIMPER_INACTIVE],
  ])("%s: a clear message and the list, and no FranceConnect login", async (_case, siret) => {
    const page = await browser.navigate(`${APP_URL}/collectivites/${siret}/me_connecter?external_id=x`);
    expect(pathOf(page)).toBe(`/collectivites/${siret}`);
    expect(page.status).toBe(404);
    const text = textOf(page.body);
    expect(text).toContain("Commune introuvable");
    expect(text).toContain("Choisissez votre commune dans la liste.");
    expect(page.body).toContain(`href="/collectivites/${ANGERS}"`);
    expect(page.body).not.toContain(`href="/collectivites/${QUIMPER_INACTIVE}"`);
    expect(browser.cookie(APP_URL, COOKIE)).toBeNull();
  });
});

describe("consent and confirmation", () => {
  it("refuses a submission without the checkbox, with a French error tied to the field, and stores nothing", async () => {
    await signIn(browser, issuer, `${APP_URL}${LOGIN_ACTION}`);
    const refused = await browser.submit(`${APP_URL}/demarche/verification`, {});
    expect(refused.status).toBe(400);
    expect(pathOf(refused)).toBe("/demarche/verification");
    const checkbox = consentCheckbox(refused.body);
    expect(checkbox).toContain('aria-invalid="true"');
    expect(checkbox).toContain('aria-describedby="consentement-error"');
    expect(refused.body).toMatch(
      /<p class="fr-message fr-message--error" id="consentement-error">Cochez la case pour accepter la transmission à votre commune/,
    );
    expect(refused.body).toContain('<fieldset class="fr-fieldset fr-fieldset--error">');
    // Announced, and above the form: read before the checkbox, not after the button.
    const alert = refused.body.indexOf('role="alert"');
    expect(alert).toBeGreaterThan(-1);
    expect(alert).toBeLessThan(refused.body.indexOf("<form"));
    expect(await bed.handle.db.select().from(shipments)).toEqual([]);
    expect(formulaireQfFolders()).toEqual([]);

    // The same review page still transmits once the box is ticked.
    expect(pathOf(await consent())).toBe("/demarche/confirmation");
    expect(await bed.handle.db.select().from(shipments)).toHaveLength(1);
  });

  it("says that there were too many attempts in an alert, without marking the checkbox invalid", async () => {
    // An address of its own: the transmission limit counts per client address.
    const limited = new CitizenBrowser("192.0.2.250");
    await signIn(limited, issuer, `${APP_URL}${LOGIN_ACTION}`);
    for (let attempt = 0; attempt < 10; attempt++) {
      expect((await limited.submit(`${APP_URL}/demarche/verification`, {})).status).toBe(400);
    }
    const page = await limited.submit(`${APP_URL}/demarche/verification`, { consentement: "oui" });
    expect(page.status).toBe(429);
    expect(pathOf(page)).toBe("/demarche/verification");
    expect(page.body).toMatch(
      /<div class="fr-alert fr-alert--error fr-alert--sm fr-mb-4w" role="alert"><p>Trop de tentatives/,
    );
    const checkbox = consentCheckbox(page.body);
    expect(checkbox).not.toContain("aria-invalid");
    expect(checkbox).not.toContain("aria-describedby");
    expect(page.body).not.toContain("fr-message--error");
    expect(page.body).not.toContain("fr-fieldset--error");
    expect(await bed.handle.db.select().from(shipments)).toEqual([]);
  });

  it("says honestly that delivery is pending when HubEE is down, and keeps the submission", async () => {
    await signIn(browser, issuer, `${APP_URL}${LOGIN_ACTION}`);
    bed.sims.modules.hubee.faults.api.add({ errorRatio: 1, errorStatuses: [503] });
    const confirmation = await consent();
    expect(pathOf(confirmation)).toBe("/demarche/confirmation");
    const text = textOf(confirmation.body);
    expect(text).toContain("Votre demande est enregistrée");
    expectHeadingOrder(confirmation.body);
    expect(text).toContain("Transmission en cours");
    expect(text).toContain("vous n’avez rien à refaire");
    expect(text).not.toContain("a été transmis à Angers");
    const reference = /Référence : ([0-9A-F]{13})/.exec(text)?.[1];
    expect(reference).toBeTruthy();
    const [stored] = await bed.handle.db.select().from(shipments);
    expect(stored).toMatchObject({ reference, status: "pending" });
    expect(stored!.payloadEncrypted).toBeTruthy();
    expect(formulaireQfFolders()).toEqual([]);
  });
});

describe("citizen session", () => {
  it("is a short-lived (30 min) httpOnly SameSite=Lax cookie that shows nothing of the citizen", async () => {
    const review = await signIn(browser, issuer, `${APP_URL}${LOGIN_ACTION}`);
    expect(pathOf(review)).toBe("/demarche/verification");
    expect(CITIZEN_SESSION_SECONDS).toBe(30 * 60);
    const lines = browser.appSetCookies.filter((line) => line.startsWith(`${COOKIE}=`));
    // Set when FranceConnect starts, rewritten once the QF came back.
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) {
      const attributes = line.split(";").map((a) => a.trim().toLowerCase());
      expect(attributes).toContain("max-age=1800");
      expect(attributes).toContain("httponly");
      expect(attributes).toContain("samesite=lax");
      expect(attributes).toContain("path=/");
    }
    const value = decodeURIComponent(browser.cookie(APP_URL, COOKIE) ?? "");
    expect(value).not.toMatch(/DUBOIS|4270|Angela/i);
  });

  it("remembers for 24 h that a journey started, with a cookie that holds nothing about the citizen", async () => {
    await signIn(browser, issuer, `${APP_URL}${LOGIN_ACTION}`);
    const [line, ...others] = browser.appSetCookies.filter((l) => l.startsWith(`${MARKER}=`));
    // Set once, when FranceConnect starts.
    expect(others).toEqual([]);
    const attributes = line!.split(";").map((a) => a.trim().toLowerCase());
    expect(attributes).toContain("max-age=86400");
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(JSON.parse(atob(decodeURIComponent(browser.cookie(APP_URL, MARKER)!)))).toBe("1");
  });

  it("logs the citizen out through FranceConnect's session/end and clears the session", async () => {
    await signIn(browser, issuer, `${APP_URL}${LOGIN_ACTION}`);
    const toFranceConnect = await browser.navigate(
      `${APP_URL}/auth/franceconnect/deconnexion`,
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: "" },
      (url) => url.startsWith(issuer),
    );
    const endSession = new URL(toFranceConnect.url);
    expect(`${endSession.origin}${endSession.pathname}`).toBe(`${issuer}/session/end`);
    expect(endSession.searchParams.get("id_token_hint")).toBeTruthy();
    expect(endSession.searchParams.get("state")).toBeTruthy();
    expect(endSession.searchParams.get("post_logout_redirect_uri")).toBe(
      `${APP_URL}/auth/franceconnect/logout-callback`,
    );

    const back = await browser.navigate(toFranceConnect.url);
    expect(pathOf(back)).toBe(`/collectivites/${ANGERS}`);
    expect(textOf(back.body)).toContain("Vous êtes déconnecté de FranceConnect.");
    expect(browser.cookie(APP_URL, COOKIE)).toBeNull();
    // Logged out, no journey is left in progress: the review page must not say "your session expired".
    expect(browser.cookie(APP_URL, MARKER)).toBeNull();
    const after = await browser.navigate(`${APP_URL}/demarche/verification`);
    expect(pathOf(after)).toBe("/collectivites");
    expect(new URL(after.url).searchParams.get("session")).toBe("aucune");

    // The FranceConnect session ended too: the next login asks again.
    const next = await browser.navigate(`${APP_URL}${LOGIN_ACTION}`);
    expect(isFranceConnectLoginPage(next, issuer)).toBe(true);
  });
});
