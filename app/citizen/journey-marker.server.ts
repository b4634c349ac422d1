import { createCookie, type Cookie } from "@remix-run/node";
import { getConfig } from "~/config.server";
import { JOURNEY_MARKER_HOURS } from "~/retention-periods";

/**
 * Remembers, with nothing about the citizen in it, that a journey started in this browser, for
 * longer than the 30-minute citizen session. Once that session is gone, a page of the journey can
 * then tell "your session expired" from "you never started": the browser drops both the same way.
 */
export const JOURNEY_MARKER_COOKIE = "__qf_demarche";

let cookie: Cookie | undefined;

function markerCookie(): Cookie {
  cookie ??= createCookie(JOURNEY_MARKER_COOKIE, {
    httpOnly: true,
    sameSite: "lax",
    secure: !getConfig().demoMode,
    path: "/",
    maxAge: JOURNEY_MARKER_HOURS * 60 * 60,
  });
  return cookie;
}

/** A Set-Cookie header value. */
export function markJourneyStarted(): Promise<string> {
  return markerCookie().serialize("1");
}

/** A Set-Cookie header value: after a logout there is no journey left to expire. */
export function forgetJourney(): Promise<string> {
  return markerCookie().serialize("", { maxAge: 0, expires: new Date(0) });
}

export async function hasStartedJourney(request: Request): Promise<boolean> {
  return (await markerCookie().parse(request.headers.get("Cookie"))) === "1";
}
