import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { recordAuditUnlessRecent } from "~/audit/audit.server";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { STATUS_LABELS } from "~/portal/dossiers/dossier-list-query";
import { isUuid, loadFamilyFile } from "~/portal/family-files/family-file.server";
import { AnnotationForm } from "./annotation-form";
import { ApplicantDetails } from "./applicant-details";
import { AttachmentsList } from "./attachments-list";
import { performFamilyFileAction, type FamilyFileActionFailed } from "./family-file-action.server";
import { backQuery, familyFileHref, inboxHref } from "./family-file-links";
import { loadFamilyFileView, type FamilyFileView } from "./family-file-view.server";
import { FileNavigation } from "./file-navigation";
import { HouseholdSection } from "./household-section";
import { HubeeTimeline } from "./hubee-timeline";
import { PricesSection } from "./prices-section";
import { QuotientSection } from "./quotient-section";
import { TreatmentPanel } from "./treatment-panel";

export const meta: MetaFunction = () => [{ title: "Dossier famille - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle<FamilyFileView> = {
  breadcrumb: ({ data, params }) => [
    { label: "Dossiers", to: inboxHref(params.siret ?? "", data?.retour ?? "") },
    { label: data?.family.name ?? "Dossier famille" },
  ],
};

/** One consultation per agent and file in this window (the page is shown again after every action here). */
export const FILE_VIEW_AUDIT_WINDOW_MS = 10 * 60_000;

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const { agent, collectivity, membership } = await requireMembership(request, params.siret);
  if (!isUuid(params.familyId)) throw notFound();
  const db = await getDatabase();
  const view = await loadFamilyFileView(db, {
    collectivity,
    familyId: params.familyId,
    canErase: membership.role === "admin",
    url: new URL(request.url),
  });
  if (!view) throw notFound();
  await recordAuditUnlessRecent(
    db,
    {
      actor: agent.id,
      collectivityId: collectivity.id,
      action: "family_file.viewed",
      targetType: "family",
      targetId: view.family.id,
      requestId: context.requestId,
    },
    FILE_VIEW_AUDIT_WINDOW_MS,
  );
  const { flash, headers } = await readFlash(request);
  return data({ ...view, flash }, { headers });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret);
  if (!isUuid(params.familyId)) throw notFound();
  const db = await getDatabase();
  if (!(await loadFamilyFile(db, collectivity.id, params.familyId))) throw notFound();
  const outcome = await performFamilyFileAction(db, {
    agentId: agent.id,
    collectivity,
    familyId: params.familyId,
    form: await request.formData(),
    requestId: context.requestId,
  });
  if (!outcome.ok) return data<FamilyFileActionFailed>(outcome, { status: 400 });
  // Post/Redirect/Get: the page the agent lands on is read after the change, badge and message alike.
  const retour = backQuery(new URL(request.url));
  return redirectWithFlash(familyFileHref(collectivity.siret, params.familyId, retour), {
    level: "success",
    message: outcome.message,
  });
}

export default function FamilyFile() {
  const view = useLoaderData<typeof loader>();
  const { commune, retour, family, flash } = view;
  const failed = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const fileBase = `/portail/communes/${commune.siret}/dossiers/${family.id}`;
  const fileHref = (id: string) => familyFileHref(commune.siret, id, retour);
  // A post that lacked the confirmation shows it in place of an error, if the file can still be closed.
  const unconfirmed = family.status === "in_progress" && Boolean(failed?.confirm);
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <FileNavigation listHref={inboxHref(commune.siret, retour)} fileHref={fileHref} neighbours={view.neighbours} />
      <h1 className="fr-mb-1w">{family.name}</h1>
      <Badge type={family.status === "error" ? "error" : family.status === "done" ? "success" : "info"}>
        {STATUS_LABELS[family.status]}
      </Badge>
      <FlashAlert flash={flash} />
      {failed && !unconfirmed ? (
        <Alert type="error" small announce className="fr-mb-3w" description={failed.message} />
      ) : null}
      {family.ingestionError ? (
        <Alert
          type="error"
          title="Télédossier illisible"
          titleAs="h2"
          description={family.ingestionError}
          className="fr-mb-3w"
        />
      ) : null}
      <div className="fr-grid-row fr-grid-row--gutters">
        <div className="fr-col-12 fr-col-md-8">
          <ApplicantDetails family={family} />
          <QuotientSection qf={family.qf} campaignOutcome={view.campaignOutcome} history={view.history} />
          <PricesSection prices={view.prices} />
          <HouseholdSection family={family} />
          <AttachmentsList fileBase={fileBase} attachments={view.attachments} />
        </div>
        <div className="fr-col-12 fr-col-md-4">
          <TreatmentPanel
            status={family.status}
            fileHref={fileHref(family.id)}
            fileBase={fileBase}
            retour={retour}
            confirming={view.confirming}
            unconfirmed={unconfirmed}
            reasonError={failed?.errors.message}
            typedReason={failed?.reason}
            busy={busy}
          />
          <HubeeTimeline timeline={view.timeline} />
          <AnnotationForm annotation={view.annotation} error={failed?.errors.annotation} busy={busy} />
          {/* The journal, like erasure, is for the commune's administrators. */}
          {view.canErase ? (
            <>
              <p className="fr-mt-4w">
                <Link
                  className="fr-link fr-icon-history-line fr-link--icon-left"
                  to={`/portail/communes/${commune.siret}/journal?dossier=${family.id}`}
                >
                  Historique des accès
                </Link>
              </p>
              <p>
                <Link
                  className="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-delete-line fr-btn--icon-left"
                  to={`${fileBase}/supprimer`}
                >
                  Supprimer le dossier
                </Link>
              </p>
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}
