import type { ComponentType } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import type { ActionFunction, LoaderFunction } from "react-router-dom";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import * as callbackRoute from "../../app/routes/auth.franceconnect.callback.tsx";
import * as logoutRoute from "../../app/routes/auth.franceconnect.deconnexion.tsx";
import * as logoutCallbackRoute from "../../app/routes/auth.franceconnect.logout-callback.tsx";
import * as communeRoute from "../../app/routes/collectivites.$siret._index.tsx";
import * as loginRoute from "../../app/routes/collectivites.$siret.me_connecter.tsx";
import * as listRoute from "../../app/routes/collectivites._index.tsx";
import * as confirmationRoute from "../../app/routes/demarche.confirmation.tsx";
import * as serviceErrorRoute from "../../app/routes/demarche.erreur.tsx";
import * as notFoundRoute from "../../app/routes/demarche.qf-introuvable.tsx";
import * as unavailableRoute from "../../app/routes/demarche.service-indisponible.tsx";
import * as reviewRoute from "../../app/routes/demarche.verification.tsx";
import { useDatabaseHandle } from "../../app/db.server.ts";
import type { DatabaseHandle } from "../../db/client.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { startSimulators, type RunningSimulators } from "../../simulators/server.ts";
import { testLoadContext } from "./load-context.ts";
import { createTestDatabase } from "./test-database.ts";

/**
 * The citizen journey's routes served in-process, as Remix would (loaders, actions, redirects,
 * data() statuses, then the page rendered with its loader and action data), behind a small
 * browser that talks to the simulators over real HTTP. Lets integration tests drive the real
 * FranceConnect login (authorize → login page → callback route) without building the app.
 */

/** What the app believes its own URL is (APP_URL's demo default, registered in the FranceConnect simulator). */
export const APP_URL = "http://localhost:3000";

interface RouteModule {
  loader?: unknown;
  action?: unknown;
  default?: ComponentType;
}

const ROUTES: Array<[string, RouteModule]> = [
  ["/collectivites", listRoute],
  ["/collectivites/:siret", communeRoute],
  ["/collectivites/:siret/me_connecter", loginRoute],
  ["/auth/franceconnect/callback", callbackRoute],
  ["/auth/franceconnect/deconnexion", logoutRoute],
  ["/auth/franceconnect/logout-callback", logoutCallbackRoute],
  ["/demarche/verification", reviewRoute],
  ["/demarche/qf-introuvable", notFoundRoute],
  ["/demarche/service-indisponible", unavailableRoute],
  ["/demarche/erreur", serviceErrorRoute],
  ["/demarche/confirmation", confirmationRoute],
];

const handler = createStaticHandler(
  ROUTES.map(([path, module]) => ({
    id: path,
    path,
    // Remix's loader arguments are React Router's plus the load context, passed as requestContext.
    loader: module.loader as LoaderFunction | undefined,
    action: module.action as ActionFunction | undefined,
    Component: module.default,
  })),
);

/** One request to the app, answered like the Remix server would (without the Express middlewares). */
export async function serveApp(request: Request, clientIp = "192.0.2.1"): Promise<Response> {
  const context = await handler.query(request, { requestContext: testLoadContext({ clientIp }) });
  if (context instanceof Response) return context;
  const firstError = context.errors ? Object.values(context.errors)[0] : undefined;
  if (firstError) {
    if (firstError instanceof Error) throw firstError;
    // A thrown data() or 404 from the router (no such route).
    const status = (firstError as { status?: number }).status ?? 500;
    return new Response(JSON.stringify(firstError), { status });
  }
  const headers = new Headers({ "Content-Type": "text/html; charset=utf-8" });
  for (const source of [context.actionHeaders, context.loaderHeaders]) {
    for (const routeHeaders of Object.values(source)) {
      for (const [name, value] of routeHeaders) headers.append(name, value);
    }
  }
  const router = createStaticRouter(handler.dataRoutes, context);
  const html = renderToStaticMarkup(<StaticRouterProvider router={router} context={context} hydrate={false} />);
  return new Response(`<!DOCTYPE html>${html}`, { status: context.statusCode, headers });
}

interface StoredCookie {
  value: string;
  expiresAt: number | null;
}

export interface Page {
  url: string;
  status: number;
  body: string;
  response: Response;
}

/**
 * Enough of a browser for the journey: one cookie jar per origin (the app and the simulators are
 * different hosts), redirects followed by hand, and requests to APP_URL answered in-process.
 */
export class CitizenBrowser {
  private jars = new Map<string, Map<string, StoredCookie>>();
  /** Every Set-Cookie line the app sent, in order, for the cookie attribute checks. */
  readonly appSetCookies: string[] = [];

  constructor(private readonly clientIp = "192.0.2.1") {}

  cookie(origin: string, name: string): string | null {
    const stored = this.jars.get(origin)?.get(name);
    if (!stored || (stored.expiresAt !== null && stored.expiresAt <= Date.now())) return null;
    return stored.value;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const { origin } = new URL(url);
    const headers = new Headers(init.headers);
    const jar = this.jars.get(origin);
    const now = Date.now();
    const cookie = [...(jar?.entries() ?? [])]
      .filter(([, c]) => c.expiresAt === null || c.expiresAt > now)
      .map(([name, c]) => `${name}=${c.value}`)
      .join("; ");
    if (cookie) headers.set("cookie", cookie);
    if (!headers.has("accept")) headers.set("accept", "text/html,application/xhtml+xml,*/*;q=0.8");
    const response =
      origin === APP_URL
        ? await serveApp(new Request(url, { ...init, headers, redirect: "manual" }), this.clientIp)
        : await fetch(url, { ...init, headers, redirect: "manual" });
    for (const line of response.headers.getSetCookie()) {
      if (origin === APP_URL) this.appSetCookies.push(line);
      this.store(origin, line);
    }
    return response;
  }

  /**
   * Follows redirects from `url`; stops on a page, or before requesting a URL `stopBefore`
   * accepts (then `url` is that target and `response` the redirect that pointed to it).
   */
  async navigate(
    url: string,
    init: RequestInit = {},
    stopBefore: (url: string) => boolean = () => false,
  ): Promise<Page> {
    let response = await this.request(url, init);
    let current = url;
    for (let hops = 0; hops < 20; hops++) {
      const location = response.headers.get("location");
      if (response.status < 300 || response.status >= 400 || !location) break;
      current = new URL(location, current).href;
      if (stopBefore(current)) return { url: current, status: response.status, body: "", response };
      await response.body?.cancel();
      response = await this.request(current);
    }
    return { url: current, status: response.status, body: await response.text(), response };
  }

  /** Posts a form (application/x-www-form-urlencoded) and follows the redirects. */
  submit(url: string, fields: Record<string, string>, stopBefore?: (url: string) => boolean): Promise<Page> {
    return this.navigate(
      url,
      {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(fields).toString(),
      },
      stopBefore,
    );
  }

  private store(origin: string, line: string) {
    const [pair = "", ...attributes] = line.split(";").map((p) => p.trim());
    const eq = pair.indexOf("=");
    const name = pair.slice(0, eq);
    const value = pair.slice(eq + 1);
    let expiresAt: number | null = null;
    for (const attribute of attributes) {
      const [key = "", val = ""] = attribute.split("=");
      if (key.toLowerCase() === "expires") expiresAt = Date.parse(val);
      if (key.toLowerCase() === "max-age") expiresAt = Date.now() + Number(val) * 1000;
    }
    const jar = this.jars.get(origin) ?? new Map<string, StoredCookie>();
    this.jars.set(origin, jar);
    if (expiresAt !== null && expiresAt <= Date.now()) jar.delete(name);
    else jar.set(name, { value, expiresAt });
  }
}

export const isFranceConnectCallback = (url: string) => url.startsWith(`${APP_URL}/auth/franceconnect/callback`);

/** The FranceConnect simulator's login page for a pending authorization (`…/interaction/<uid>`). */
export function isFranceConnectLoginPage(page: Page, issuer: string): boolean {
  return page.url.startsWith(`${issuer}/interaction/`) && page.status === 200 && page.body.includes("login-form");
}

/**
 * Starts the journey at `startUrl` (an app URL that leads to FranceConnect) and signs in as
 * `login` on the simulator's page, or silently when its FranceConnect session is still alive.
 * Stops before the app's callback, so a test can change the simulators before the QF retrieval.
 */
export async function signInUntilCallback(
  browser: CitizenBrowser,
  issuer: string,
  startUrl: string,
  login = "test",
): Promise<string> {
  const page = await browser.navigate(startUrl, {}, isFranceConnectCallback);
  if (isFranceConnectCallback(page.url)) return page.url;
  if (!isFranceConnectLoginPage(page, issuer)) {
    throw new Error(`expected the FranceConnect login page, got ${page.status} ${page.url}`);
  }
  const back = await browser.submit(`${page.url}/login`, { login, password: "123" }, isFranceConnectCallback);
  if (!isFranceConnectCallback(back.url)) throw new Error(`login did not come back: ${back.status} ${back.url}`);
  return back.url;
}

/** The whole login: FranceConnect, callback route, QF retrieval, and the page it leads to. */
export async function signIn(browser: CitizenBrowser, issuer: string, startUrl: string, login = "test") {
  return browser.navigate(await signInUntilCallback(browser, issuer, startUrl, login));
}

/** Text of the page without tags, with entities of the French typography decoded, spaces squeezed. */
export function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, " ")
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, "&")
    .replace(/&nbsp;|\u00a0|\u202f/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** The fields of the GET form whose action is `action`, as the browser would send them. */
export function formUrl(html: string, action: string): string {
  const escaped = action.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  const form = new RegExp(`<form[^>]*action="${escaped}"[^>]*>([\\s\\S]*?)</form>`).exec(html);
  if (!form) throw new Error(`no form with action ${action}`);
  const query = new URLSearchParams();
  for (const input of form[1]!.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]*)"/.exec(input[0])?.[1];
    const value = /value="([^"]*)"/.exec(input[0])?.[1] ?? "";
    if (name) query.append(decodeEntities(name), decodeEntities(value));
  }
  const search = query.toString();
  return `${APP_URL}${action}${search ? `?${search}` : ""}`;
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

export interface CitizenTestbed {
  sims: RunningSimulators;
  handle: DatabaseHandle;
  /** Calls a simulator's admin API over HTTP (`/__admin/<module><path>`). */
  admin(module: string, path: string, method?: string, body?: unknown): Promise<Response>;
  close(): Promise<void>;
}

/**
 * Simulators on a random port, the app's configuration pointed at them (read by getConfig() on
 * first use, which comes after this), and a migrated database with the demo communes.
 */
export async function startCitizenTestbed(): Promise<CitizenTestbed> {
  const sims = await startSimulators({ port: 0, appUrl: APP_URL });
  process.env.FRANCECONNECT_ISSUER = sims.franceconnectIssuer;
  process.env.API_PARTICULIER_URL = sims.apiParticulierUrl;
  process.env.HUBEE_API_URL = sims.hubeeApiUrl;
  process.env.HUBEE_TOKEN_URL = sims.hubeeTokenUrl;
  process.env.APP_URL = APP_URL;
  const handle = await createTestDatabase();
  await seedDemo(handle.db);
  useDatabaseHandle(handle);
  return {
    sims,
    handle,
    async admin(module, path, method = "POST", body) {
      const response = await fetch(`${sims.url}/__admin/${module}${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      if (!response.ok)
        throw new Error(`admin ${method} ${module}${path}: ${response.status} ${await response.text()}`);
      return response;
    },
    async close() {
      await sims.close();
      await handle.close();
    },
  };
}
