import { redirect } from "@remix-run/node";

/** A redirect setting several cookies: each needs its own Set-Cookie header. */
export function redirectWithCookies(location: string, setCookies: string[]): Response {
  const headers = new Headers();
  for (const cookie of setCookies) headers.append("Set-Cookie", cookie);
  return redirect(location, { headers });
}
