import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/dsfr/button";
import { ErrorSummary } from "~/components/dsfr/error-summary";
import { FlashAlert } from "~/components/flash-alert";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { parseForm } from "~/forms/parse-form";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requireMembership } from "~/portal/access/access.server";
import { serviceFormSchema } from "~/portal/tariffs/tariff-forms";
import { createTariffService } from "~/portal/tariffs/tariffs.server";
import { ServiceFields, serviceErrorItems } from "./service-fields";
import { loadTariffsList } from "./tariffs-list.server";

export const meta: MetaFunction = () => [{ title: "Tarifs - Espace agents - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => ({ label: "Tarifs" }) };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  const { flash, headers } = await readFlash(request);
  const services = await loadTariffsList(await getDatabase(), collectivity.id);
  return data({ flash, services, isAdmin: membership.role === "admin" }, { headers });
}

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const parsed = parseForm(serviceFormSchema, await request.formData());
  if (!parsed.success) return data({ errors: parsed.errors, values: parsed.values }, { status: 400 });
  const saved = await createTariffService(
    await getDatabase(),
    { agentId: agent.id, collectivityId: collectivity.id, requestId: context.requestId },
    parsed.data,
  );
  if (!saved.ok) return data({ errors: saved.errors, values: parsed.values }, { status: 400 });
  return redirectWithFlash(`/portail/communes/${collectivity.siret}/tarifs/${saved.value}`, {
    level: "success",
    message: `Service « ${parsed.data.name} » créé : rédigez maintenant son premier tarif.`,
  });
}

export default function Tariffs() {
  const { flash, services, isAdmin } = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  return (
    <div className="fr-container fr-my-4w">
      <RouteBreadcrumb />
      <h1>Tarifs des services</h1>
      <p>
        Chaque service (cantine, accueil du soir, centre de loisirs…) a un tarif calculé à partir du QF des familles. Un
        nouveau tarif est d’abord un projet, que l’on peut simuler, puis il est publié avec sa date d’entrée en vigueur
        ; les tarifs passés restent consultables.
      </p>
      <FlashAlert flash={flash} />
      {services.length === 0 ? (
        <p>Aucun service n’est encore tarifé.</p>
      ) : (
        <ul className="fr-raw-list">
          {services.map((service) => (
            <li key={service.id} className="fr-mb-3w">
              <h2 className="fr-h5 fr-mb-1v">
                <Link to={service.id}>{service.name}</Link>
              </h2>
              <p className="fr-text--sm fr-mb-1v">
                Prix {service.unit}
                {service.perChild ? ", par enfant" : ""}.{" "}
                {service.current
                  ? `En vigueur depuis le ${service.current.since} : ${service.current.rule}.`
                  : "Aucun tarif en vigueur."}
              </p>
              {service.upcoming.map((u) => (
                <p key={u.from} className="fr-text--sm fr-mb-1v">
                  À partir du {u.from} : {u.rule}.
                </p>
              ))}
              {service.draftCount > 0 ? (
                <p className="fr-text--sm fr-mb-0">
                  {service.draftCount === 1 ? "Un projet de tarif" : `${service.draftCount} projets de tarif`} en
                  préparation.
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {isAdmin ? (
        <section className="fr-mt-6w" aria-labelledby="nouveau-service">
          <h2 id="nouveau-service">Nouveau service</h2>
          <ErrorSummary items={serviceErrorItems(answer?.errors ?? {})} />
          <Form method="post" noValidate className="fr-col-12 fr-col-md-8 fr-px-0">
            <ServiceFields values={answer?.values ?? {}} errors={answer?.errors ?? {}} />
            <Button type="submit" disabled={busy}>
              Créer le service
            </Button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
