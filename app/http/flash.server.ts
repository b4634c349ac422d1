import { createCookie, redirect, type Cookie } from "@remix-run/node";
import { z } from "zod";
import { getConfig } from "~/config.server";
import type { Flash } from "./flash";

/**
 * Post/Redirect/Get with a flash message. After a successful action the browser is redirected,
 * so a reload never re-submits the form and the page it lands on shows fresh data (a status badge
 * and its success message can no longer disagree). The message lives one minute at most in a
 * signed cookie and is cleared by the first page that reads it.
 */

const FLASH_COOKIE = "__qf_flash";
const FLASH_MAX_AGE_SECONDS = 60;

const flashSchema = z.object({
  level: z.enum(["success", "info", "warning"]),
  message: z.string().min(1).max(500),
});

let cookie: Cookie | undefined;

function flashCookie(): Cookie {
  if (!cookie) {
    const config = getConfig();
    cookie = createCookie(FLASH_COOKIE, {
      httpOnly: true,
      sameSite: "lax",
      secure: !config.demoMode,
      path: "/",
      maxAge: FLASH_MAX_AGE_SECONDS,
      secrets: config.sessionSecrets,
    });
  }
  return cookie;
}

/** Redirects to `to` (a path of ours) and shows `flash` on the page it leads to. */
export async function redirectWithFlash(to: string, flash: Flash, init: ResponseInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.append("Set-Cookie", await flashCookie().serialize(flashSchema.parse(flash)));
  return redirect(to, { ...init, headers });
}

/**
 * The pending flash message, and the Set-Cookie header that clears it (to return with the
 * loader's data, so the message shows once). Both are empty when there is none.
 */
export async function readFlash(request: Request): Promise<{ flash: Flash | null; headers: Headers }> {
  const headers = new Headers();
  const raw: unknown = await flashCookie().parse(request.headers.get("Cookie"));
  if (raw === null || raw === undefined || raw === "") return { flash: null, headers };
  headers.append("Set-Cookie", await flashCookie().serialize("", { maxAge: 0, expires: new Date(0) }));
  const parsed = flashSchema.safeParse(raw);
  return { flash: parsed.success ? parsed.data : null, headers };
}
