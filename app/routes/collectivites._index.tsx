import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { listActiveCollectivities } from "~/citizen/collectivities.server";
import { CollectivityList } from "~/components/collectivity-list";
import { Alert } from "~/components/dsfr/alert";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { getDatabase } from "~/db.server";

export const meta: MetaFunction = () => [{ title: "Choisir votre commune - Portail QF" }];

const NOTICES: Record<string, string> = {
  expiree: "Votre session a expiré (elle dure 30 minutes). Choisissez à nouveau votre commune pour recommencer.",
};

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const query = (url.searchParams.get("q") ?? "").slice(0, 100);
  const groups = await listActiveCollectivities(await getDatabase(), query);
  const session = url.searchParams.get("session") ?? "";
  return { groups, query, notice: Object.hasOwn(NOTICES, session) ? NOTICES[session]! : null };
}

export default function ChooseCollectivity() {
  const { groups, query, notice } = useLoaderData<typeof loader>();
  return (
    <div className="fr-container fr-my-6w">
      <Breadcrumb segments={[{ label: "Accueil", to: "/" }]} currentPageLabel="Choisir votre commune" />
      <h1>Choisissez votre commune</h1>
      {notice ? <Alert type="warning" small description={notice} className="fr-mb-4w" /> : null}
      <CollectivityList groups={groups} query={query} />
    </div>
  );
}
