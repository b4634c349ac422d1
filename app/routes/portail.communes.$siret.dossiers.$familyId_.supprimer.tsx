import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Button, ButtonsGroup, buttonClassName } from "~/components/dsfr/button";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { eraseFamilyFile, loadErasurePreview, type ErasureCounts } from "~/portal/family-files/family-erasure.server";
import { isUuid } from "~/portal/family-files/family-file.server";
import { formatDate } from "~/domain/paris-time";

/*
 * Right to erasure of one family file: administrators only. The "_" after $familyId keeps this
 * page out of the family file's layout, whose loader would record a consultation.
 */

export const meta: MetaFunction = () => [{ title: "Supprimer un dossier - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle<Awaited<ReturnType<typeof loader>>> = {
  breadcrumb: ({ data, params }) => {
    const inbox = `/portail/communes/${params.siret}/dossiers`;
    return [
      { label: "Dossiers", to: inbox },
      { label: data?.family.name ?? "Dossier famille", to: `${inbox}/${params.familyId}` },
      { label: "Supprimer le dossier" },
    ];
  },
};

const plural = (n: number, one: string, many: string) => `${n} ${n > 1 ? many : one}`;

/** What goes with the file, in words (zero lines left out). */
function describe(counts: ErasureCounts): string[] {
  return [
    counts.qfHistory > 0
      ? plural(counts.qfHistory, "quotient familial de l’historique", "quotients familiaux de l’historique")
      : null,
    counts.cases > 0 ? plural(counts.cases, "télédossier reçu par HubEE", "télédossiers reçus par HubEE") : null,
    counts.attachments > 0 ? plural(counts.attachments, "pièce jointe", "pièces jointes") : null,
    counts.statusChanges > 0 ? plural(counts.statusChanges, "changement de statut", "changements de statut") : null,
    counts.annotations > 0 ? "la note interne des agents" : null,
    counts.campaignItems > 0
      ? plural(counts.campaignItems, "résultat de mise à jour annuelle", "résultats de mises à jour annuelles")
      : null,
    counts.webhookEvents > 0
      ? plural(
          counts.webhookEvents,
          "notification (webhook) en attente d’envoi ou envoyée",
          "notifications (webhooks) en attente d’envoi ou envoyées",
        )
      : null,
  ].filter((line): line is string => line !== null);
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  if (!isUuid(params.familyId)) throw notFound();
  const preview = await loadErasurePreview(await getDatabase(), collectivity.id, params.familyId);
  if (!preview) throw notFound();
  const { family, counts } = preview;
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    family: {
      id: family.id,
      name: [family.familyName, family.givenNames].filter(Boolean).join(" ") || "Identité illisible",
      receivedOn: formatDate(family.receivedAt),
    },
    related: describe(counts),
  };
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  if (!isUuid(params.familyId)) throw notFound();
  const form = await request.formData();
  // Only the confirmation button deletes: a stray POST to this address does nothing.
  if (form.get("intent") !== "supprimer") throw data("Action inconnue", { status: 400 });
  const erased = await eraseFamilyFile(await getDatabase(), {
    collectivityId: collectivity.id,
    familyId: params.familyId,
    actor: agent.id,
    requestId: context.requestId,
  });
  // Already deleted (a second click, another administrator) or another commune's: nothing to say.
  if (!erased) throw notFound();
  return redirect(`/portail/communes/${collectivity.siret}/donnees?dossier-supprime=1`);
}

export default function EraseFamilyFile() {
  const { commune, family, related } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  const inbox = `/portail/communes/${commune.siret}/dossiers`;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Supprimer le dossier de {family.name}</h1>
      <Alert
        type="warning"
        title="La suppression est définitive"
        titleAs="h2"
        description="Aucune copie n’est gardée par Portail QF : le dossier ne pourra pas être restauré. Si la famille transmet de nouveau son quotient familial, un nouveau dossier sera créé."
        className="fr-mb-3w"
      />
      <p>Dossier reçu pour la dernière fois le {family.receivedOn}. Seront supprimés :</p>
      <ul data-testid="elements-supprimes">
        <li>l’identité, le quotient familial actuel, les allocataires, les enfants et l’adresse ;</li>
        {related.map((line) => (
          <li key={line}>{line} ;</li>
        ))}
      </ul>
      <p>
        Le journal de la commune gardera la trace de la suppression (date, administrateur, nombre d’éléments supprimés),
        sans aucune donnée personnelle de la famille.
      </p>
      <Form method="post">
        <input type="hidden" name="intent" value="supprimer" />
        <ButtonsGroup inline="sm">
          <li>
            <Button type="submit" icon="fr-icon-delete-line" disabled={busy}>
              Supprimer définitivement le dossier
            </Button>
          </li>
          <li>
            <Link className={buttonClassName({ priority: "secondary" })} to={`${inbox}/${family.id}`}>
              Annuler
            </Link>
          </li>
        </ButtonsGroup>
      </Form>
    </div>
  );
}
