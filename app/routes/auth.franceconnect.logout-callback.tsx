import type { LoaderFunctionArgs } from "@remix-run/node";
import { completeLogout } from "~/citizen/journey.server";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const next = await completeLogout(request);
  return redirectWithCookies(next.location, next.setCookies);
}
