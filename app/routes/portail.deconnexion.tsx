import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { requireAgent } from "~/portal/access/agent-session.server";
import { beginLogout } from "~/portal/access/proconnect-login.server";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";

/** POST only (logging out changes state): ends the session here, then at ProConnect. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData();
  const next = await beginLogout(request, context.requestId, { everywhere: form.get("partout") === "1" });
  return redirectWithCookies(next.location, next.setCookies);
}

export async function loader({ request }: LoaderFunctionArgs) {
  await requireAgent(request);
  return redirect("/portail");
}
