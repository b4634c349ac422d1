import type { LoaderFunctionArgs } from "@remix-run/node";
import { completeLogout } from "~/portal/access/proconnect-login.server";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";

/** ProConnect's session/end sends the browser back here once its own session is over. */
export async function loader({ request }: LoaderFunctionArgs) {
  const next = await completeLogout(request);
  return redirectWithCookies(next.location, next.setCookies);
}
