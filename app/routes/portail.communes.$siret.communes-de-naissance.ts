import { data, type LoaderFunctionArgs } from "@remix-run/node";
import { requireMembership } from "~/portal/access/access.server";
import { communeOptionLabel, searchBirthCommunes } from "~/portal/qf-lookup/birthplace.server";

/**
 * The birth commune autocomplete of the QF lookup (JSON, at most 20 communes): the INSEE COG,
 * public data, but served to the commune's agents only, like the page that uses it.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  await requireMembership(request, params.siret);
  const query = (new URL(request.url).searchParams.get("q") ?? "").slice(0, 100);
  const communes = searchBirthCommunes(query, 20).map((commune) => ({
    code: commune.code,
    label: communeOptionLabel(commune),
  }));
  // data(), not a Response: with single fetch, the page's fetcher gets it encoded for Remix, and a
  // plain GET of this URL gets JSON.
  return data({ communes }, { headers: { "Cache-Control": "private, max-age=3600" } });
}
