import { redirect, type LoaderFunctionArgs } from "@remix-run/node";
import { completeLogout } from "~/citizen/journey.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const next = await completeLogout(request);
  return redirect(next.location, { headers: next.setCookie ? { "Set-Cookie": next.setCookie } : {} });
}
