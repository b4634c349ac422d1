import crypto from "node:crypto";
import { eq } from "drizzle-orm";
import type { Database } from "../../db/client.ts";
import { agents, collectivities, memberships, type MembershipRole } from "../../db/schema/index.ts";
import { createAgentSession } from "../../app/portal/access/agent-session.server.ts";

/**
 * Building blocks for portal tests: communes, agents, memberships and signed-in
 * sessions written straight to the database (no ProConnect round trip), and a
 * way to call a route module's loader or action and read what it answered.
 */

/** A valid SIRET (Luhn) derived from a seed, for communes nobody else uses. */
export function testSiret(seed: number): string {
  const base = `2199${String(seed).padStart(9, "0")}`;
  for (let last = 0; last <= 9; last++) {
    const candidate = `${base}${last}`;
    let sum = 0;
    [...candidate].reverse().forEach((digit, index) => {
      const value = index % 2 === 1 ? Number(digit) * 2 : Number(digit);
      sum += value > 9 ? value - 9 : value;
    });
    if (sum % 10 === 0) return candidate;
  }
  throw new Error("unreachable");
}

export async function createCommune(db: Database, name: string, seed: number) {
  const [row] = await db
    .insert(collectivities)
    .values({ name, siret: testSiret(seed), codeCog: "49007", departement: "49" })
    .returning();
  return row!;
}

export async function createAgent(
  db: Database,
  input: { email: string; givenName?: string; usualName?: string; platformAdmin?: boolean },
) {
  const [row] = await db
    .insert(agents)
    .values({
      email: input.email,
      givenName: input.givenName ?? "Prénom",
      usualName: input.usualName ?? "Nom",
      platformAdmin: input.platformAdmin ?? false,
    })
    .returning();
  return row!;
}

export async function addMember(db: Database, agentId: string, collectivityId: string, role: MembershipRole) {
  const [row] = await db.insert(memberships).values({ agentId, collectivityId, role }).returning();
  return row!;
}

/** A session for the agent; returns the Cookie header a browser would send. */
export async function signIn(db: Database, agentId: string, now?: Date): Promise<string> {
  const { setCookie } = await createAgentSession(db, agentId, { now });
  return setCookie.split(";")[0]!;
}

export const agentByEmail = async (db: Database, email: string) =>
  (await db.select().from(agents).where(eq(agents.email, email)))[0];

export interface RouteAnswer {
  status: number;
  location: string | null;
  /** The loader/action data when it returned data (not a Response). */
  data: unknown;
  thrown: boolean;
  /** The cookies the answer sets, as "name=value" pairs for the next request's Cookie header. */
  cookies: string[];
}

/** The Cookie header of a request that sends `cookie` and what `answer` set (a flash message, say). */
export const withCookies = (cookie: string, answer: RouteAnswer) => [cookie, ...answer.cookies].join("; ");

const cookiesOf = (headers: Headers | undefined) =>
  (headers?.getSetCookie() ?? []).map((line) => line.split(";")[0]!).filter((pair) => !/^[^=]+=$/.test(pair));

interface RouteModule {
  loader?: (args: never) => unknown;
  action?: (args: never) => unknown;
}

/** Calls `loader` (GET) or `action` (POST) as Remix would, and normalises what came back or was thrown. */
export async function callRoute(
  module: RouteModule,
  kind: "loader" | "action",
  input: {
    path: string;
    params?: Record<string, string>;
    cookie?: string | null;
    /** URLSearchParams when a name repeats (checkboxes). */
    form?: Record<string, string> | URLSearchParams;
  },
): Promise<RouteAnswer> {
  const fn = module[kind] as ((args: unknown) => Promise<unknown>) | undefined;
  if (!fn) throw new Error(`no ${kind}`);
  const headers = new Headers();
  if (input.cookie) headers.set("Cookie", input.cookie);
  const init: RequestInit =
    kind === "action"
      ? { method: "POST", headers, body: new URLSearchParams(input.form ?? { intent: "probe" }) }
      : { method: "GET", headers };
  if (kind === "action") headers.set("Content-Type", "application/x-www-form-urlencoded");
  const request = new Request(`http://localhost:3000${input.path}`, init);
  const args = {
    request,
    params: input.params ?? {},
    context: { cspNonce: "", requestId: `test-${crypto.randomUUID()}` },
  };
  try {
    return normalise(await fn(args), false);
  } catch (error) {
    return normalise(error, true);
  }
}

function normalise(value: unknown, thrown: boolean): RouteAnswer {
  if (value instanceof Response) {
    return {
      status: value.status,
      location: value.headers.get("Location"),
      data: null,
      thrown,
      cookies: cookiesOf(value.headers),
    };
  }
  // Remix's data() result: { type: "DataWithResponseInit", data, init }.
  if (value && typeof value === "object" && (value as { type?: string }).type === "DataWithResponseInit") {
    const { data, init } = value as { data: unknown; init: ResponseInit | null };
    const headers = init?.headers ? new Headers(init.headers) : undefined;
    return { status: init?.status ?? 200, location: null, data, thrown, cookies: cookiesOf(headers) };
  }
  if (thrown) throw value;
  return { status: 200, location: null, data: value, thrown, cookies: [] };
}
