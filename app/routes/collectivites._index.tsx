import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { listActiveCollectivities } from "~/citizen/collectivities.server";
import { CollectivityList } from "~/components/collectivity-list";
import { Alert, type AlertType } from "~/components/dsfr/alert";
import { HOME_CRUMB } from "~/components/home-crumb";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";

export const meta: MetaFunction = () => [{ title: "Choisir votre commune - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => [HOME_CRUMB, { label: "Choisir votre commune" }] };

/** Why a page of the journey sent the citizen back here (see journeyLostLocation). */
const NOTICES: Record<string, { type: AlertType; text: string }> = {
  expiree: {
    type: "warning",
    text: "Votre session a expiré (elle dure 30 minutes). Choisissez à nouveau votre commune pour recommencer.",
  },
  aucune: {
    type: "info",
    text: "Aucune démarche n’est en cours. Pour transmettre votre quotient familial, commencez par choisir votre commune dans la liste ci-dessous.",
  },
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
      <RouteBreadcrumb />
      <h1>Choisissez votre commune</h1>
      {notice ? <Alert type={notice.type} small description={notice.text} className="fr-mb-4w" /> : null}
      <CollectivityList groups={groups} query={query} />
    </div>
  );
}
