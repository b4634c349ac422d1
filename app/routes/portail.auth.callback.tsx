import type { LoaderFunctionArgs } from "@remix-run/node";
import { completeLogin } from "~/portal/access/proconnect-login.server";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";

/** ProConnect comes back here with a code (or an error): public, it is how a session begins. */
export async function loader({ request, context }: LoaderFunctionArgs) {
  const next = await completeLogin(request, context.requestId);
  return redirectWithCookies(next.location, next.setCookies);
}
