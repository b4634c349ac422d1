import type { LoaderFunctionArgs } from "@remix-run/node";
import { completeLogin } from "~/citizen/journey.server";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";

/** FranceConnect redirects here with a code (or an error): finish the login and fetch the QF. */
export async function loader({ request }: LoaderFunctionArgs) {
  const next = await completeLogin(request);
  return redirectWithCookies(next.location, next.setCookies);
}
