import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { completeLogin } from "~/citizen/journey.server";

/** FranceConnect redirects here with a code (or an error): finish the login and fetch the QF. */
export async function loader({ request }: LoaderFunctionArgs) {
  const next = await completeLogin(request);
  return redirect(next.location, { headers: next.setCookie ? { "Set-Cookie": next.setCookie } : {} });
}
