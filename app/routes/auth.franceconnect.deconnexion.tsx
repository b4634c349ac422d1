import { redirect, type ActionFunctionArgs } from "@remix-run/node";
import { beginLogout } from "~/citizen/journey.server";

/** POST only: logging out changes state. Goes through FranceConnect's session/end. */
export async function action({ request }: ActionFunctionArgs) {
  const next = await beginLogout(request);
  return redirect(next.location, { headers: next.setCookie ? { "Set-Cookie": next.setCookie } : {} });
}

export const loader = () => redirect("/");
