import { redirect, type LoaderFunctionArgs } from "@remix-run/node";

/**
 * /collectivites/select?id=<SIRET>: the national form's commune picker posted here; links and
 * bookmarks still do. Permanently to the commune's page (or the list without a usable id).
 */
export function loader({ request }: LoaderFunctionArgs) {
  const id = new URL(request.url).searchParams.get("id")?.trim() ?? "";
  return redirect(/^[0-9]{14}$/.test(id) ? `/collectivites/${id}` : "/collectivites", 301);
}
