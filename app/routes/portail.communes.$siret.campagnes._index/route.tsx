import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { ButtonLink } from "~/components/dsfr/button";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { forbidden, requireMembership } from "~/portal/access/access.server";
import { performCampaignsAction, type ScheduleRefused } from "./campaigns-action.server";
import { loadCampaignsPage } from "./campaigns-page.server";
import { CampaignHistory } from "./campaign-history";
import { ScheduleForm } from "./schedule-form";
import { TokenAlerts } from "./token-alerts";

export const meta: MetaFunction = () => [{ title: "Mises à jour des QF - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Mises à jour des QF" }) };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  const page = await loadCampaignsPage(await getDatabase(), collectivity.id);
  const { flash, headers } = await readFlash(request);
  return data(
    {
      ...page,
      commune: { name: collectivity.name, siret: collectivity.siret },
      isAdmin: membership.role === "admin",
      flash,
    },
    { headers },
  );
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity, membership } = await requireMembership(request, params.siret);
  // Both actions are the administrator's: the schedule is a setting, alerts are about the token.
  if (membership.role !== "admin") throw forbidden();
  const outcome = await performCampaignsAction(await getDatabase(), {
    collectivityId: collectivity.id,
    agentId: agent.id,
    requestId: context.requestId,
    form: await request.formData(),
  });
  if (outcome.ok) return redirectWithFlash(new URL(request.url).pathname, outcome.flash);
  if ("malformed" in outcome) throw data(outcome.malformed, { status: 400 });
  return data<ScheduleRefused>(outcome.refused, { status: 400 });
}

export default function Campaigns() {
  const { commune, isAdmin, campaigns, alerts, schedule, defaultDay, nextRun, flash } = useLoaderData<typeof loader>();
  const refused = useActionData<typeof action>() ?? null;
  const busy = useNavigation().state !== "idle";
  const base = `/portail/communes/${commune.siret}`;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Mises à jour des quotients familiaux</h1>
      <FlashAlert flash={flash} />
      <TokenAlerts alerts={alerts} isAdmin={isAdmin} base={base} busy={busy} />

      <p>
        Une mise à jour interroge à nouveau la CAF et la MSA (API Particulier) pour chaque famille, avec l’identité
        transmise par la famille, et enregistre son quotient familial de la période choisie.
      </p>
      <ButtonLink to={`${base}/campagnes/nouvelle?portee=tous`} icon="fr-icon-refresh-line" className="fr-mb-1w">
        Mettre à jour les QF de tous les dossiers
      </ButtonLink>
      <p className="fr-text--sm">
        Pour une recherche ou quelques dossiers, partez de la <Link to={`${base}/dossiers`}>liste des dossiers</Link>.
      </p>

      <CampaignHistory campaigns={campaigns} base={base} />

      <section className="fr-mt-6w" aria-labelledby="calendrier-titre">
        <h2 id="calendrier-titre">Mise à jour annuelle automatique</h2>
        <p>
          {schedule.mode === "aucune"
            ? "Aucune mise à jour automatique n’est programmée."
            : `Prochaine mise à jour automatique de tous les dossiers : le ${nextRun}, à 6 h (heure de Paris).`}
        </p>
        {isAdmin ? <ScheduleForm schedule={schedule} defaultDay={defaultDay} refused={refused} busy={busy} /> : null}
      </section>
    </div>
  );
}
