import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { beginLogout } from "~/citizen/journey.server";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";

/** POST only: logging out changes state. Goes through FranceConnect's session/end. */
export async function action({ request }: ActionFunctionArgs) {
  const next = await beginLogout(request);
  return redirectWithCookies(next.location, next.setCookies);
}

export const loader = () => redirect("/");
