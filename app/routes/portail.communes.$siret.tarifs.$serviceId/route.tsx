import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Button } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { Input } from "~/components/dsfr/input";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { notFound, requireMembership } from "~/portal/access/access.server";
import { loadTariffService } from "~/portal/tariffs/tariffs.server";
import { ServiceFields, serviceErrorItems } from "../portail.communes.$siret.tarifs._index/service-fields";
import { RuleFields, ruleErrorItems } from "./rule-fields";
import { runServiceAction } from "./service-actions.server";
import { loadServicePage } from "./service-page.server";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.page.service.name ?? "Service"} - Tarifs - Espace agents - Portail QF` },
];

export const handle: BreadcrumbHandle = {
  breadcrumb: ({ params }) => [
    { label: "Tarifs", to: `/portail/communes/${params.siret}/tarifs` },
    { label: "Service" },
  ],
};

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  const url = new URL(request.url);
  const page = await loadServicePage(
    await getDatabase(),
    collectivity.id,
    params.serviceId ?? "",
    url.searchParams.get("version"),
  );
  if (!page) throw notFound();
  const { flash, headers } = await readFlash(request);
  return data({ flash, page, isAdmin: membership.role === "admin" }, { headers });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const db = await getDatabase();
  const service = await loadTariffService(db, collectivity.id, params.serviceId ?? "");
  if (!service) throw notFound();
  const actor = { agentId: agent.id, collectivityId: collectivity.id, requestId: context.requestId };
  const result = await runServiceAction(db, actor, service, await request.formData());
  if (!result.done) return data(result, { status: 400 });
  const path = new URL(request.url).pathname;
  return redirectWithFlash(result.editVersionId ? `${path}?version=${result.editVersionId}` : path, {
    level: "success",
    message: result.message,
  });
}

export default function TariffService() {
  const { flash, page, isAdmin } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const failed = answer && !answer.done ? answer : null;
  const failedFor = (intent: string, versionId?: string) =>
    failed && failed.intent === intent && (versionId === undefined || failed.versionId === versionId) ? failed : null;
  const draftAnswer = failedFor("save-draft");
  const serviceAnswer = failedFor("save-service");
  const draftValues = draftAnswer?.values ?? page.draft.values;
  const draftErrors = draftAnswer?.errors ?? {};
  const { service } = page;
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>{service.name}</h1>
      <FlashAlert flash={flash} />
      {failed?.errors._form ? (
        <Alert type="error" small role="alert" className="fr-mb-3w" description={failed.errors._form} />
      ) : null}
      <h2>Versions du tarif</h2>
      {page.versions.length === 0 ? (
        <p>Aucune version pour le moment.</p>
      ) : (
        <ul className="fr-raw-list">
          {page.versions.map((version) => {
            const publishAnswer = failedFor("publish", version.id);
            return (
              <li key={version.id} className="fr-mb-3w">
                <h3 className="fr-h6 fr-mb-1v">
                  {version.status === "draft" ? "Projet" : "Tarif"} à partir du {version.from}{" "}
                  {version.inForce ? (
                    <Badge type="success" small>
                      En vigueur
                    </Badge>
                  ) : version.status === "draft" ? (
                    <Badge type="new" small>
                      Projet
                    </Badge>
                  ) : version.past ? (
                    <Badge small>Passé</Badge>
                  ) : (
                    <Badge type="info" small>
                      À venir
                    </Badge>
                  )}
                </h3>
                <p className="fr-text--sm fr-mb-1w">{version.rule}</p>
                {isAdmin && version.status === "draft" ? (
                  <div className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
                    <Form method="post" noValidate className="fr-col-12 fr-col-md-6">
                      <input type="hidden" name="versionId" value={version.id} />
                      <Input
                        name="validFrom"
                        id={`validFrom-${version.id}`}
                        type="date"
                        label="Publier à partir du"
                        defaultValue={publishAnswer?.values.validFrom ?? version.validFrom}
                        error={publishAnswer?.errors.validFrom}
                      />
                      <Button type="submit" name="intent" value="publish" disabled={busy}>
                        Publier ce tarif
                      </Button>
                    </Form>
                    <div className="fr-col-12 fr-col-md-6">
                      <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm">
                        <li>
                          <Link className="fr-btn fr-btn--sm" to={`simulation?projet=${version.id}`}>
                            Simuler
                          </Link>
                        </li>
                        <li>
                          <Link className="fr-btn fr-btn--secondary fr-btn--sm" to={`?version=${version.id}`}>
                            Modifier le projet
                          </Link>
                        </li>
                        <li>
                          <Form method="post">
                            <input type="hidden" name="versionId" value={version.id} />
                            <Button
                              type="submit"
                              name="intent"
                              value="delete-draft"
                              priority="tertiary"
                              size="sm"
                              disabled={busy}
                            >
                              Supprimer le projet
                            </Button>
                          </Form>
                        </li>
                      </ul>
                    </div>
                  </div>
                ) : null}
              </li>
            );
          })}
        </ul>
      )}
      {isAdmin ? (
        <>
          <section className="fr-mt-6w" aria-labelledby="projet-titre">
            <h2 id="projet-titre">
              {page.draft.versionId ? "Modifier le projet de tarif" : "Nouveau projet de tarif"}
            </h2>
            <p className="fr-text--sm">
              Un projet n’est appliqué à aucune famille : il peut être modifié, simulé puis publié.
              {page.draft.versionId ? (
                <>
                  {" "}
                  <Link to=".">Rédiger plutôt un nouveau projet</Link>.
                </>
              ) : null}
            </p>
            <ErrorSummary items={ruleErrorItems(draftErrors, page.brackets)} />
            <Form
              method="post"
              noValidate
              className="fr-col-12 fr-col-md-8 fr-px-0"
              key={page.draft.versionId ?? "new"}
            >
              {page.draft.versionId ? <input type="hidden" name="versionId" value={page.draft.versionId} /> : null}
              <RuleFields
                values={draftValues}
                errors={draftErrors}
                brackets={page.brackets}
                perChild={service.perChild}
              />
              <Button type="submit" name="intent" value="save-draft" disabled={busy}>
                Enregistrer le projet
              </Button>
            </Form>
          </section>
          <section className="fr-mt-6w" aria-labelledby="service-titre">
            <h2 id="service-titre">Le service</h2>
            <ErrorSummary items={serviceErrorItems(serviceAnswer?.errors ?? {})} />
            <Form method="post" noValidate className="fr-col-12 fr-col-md-8 fr-px-0">
              <ServiceFields values={serviceAnswer?.values ?? service} errors={serviceAnswer?.errors ?? {}} />
              <Button type="submit" name="intent" value="save-service" priority="secondary" disabled={busy}>
                Enregistrer le service
              </Button>
            </Form>
          </section>
        </>
      ) : null}
    </div>
  );
}
