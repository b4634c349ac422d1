import type { LoaderFunctionArgs } from "@remix-run/node";
import { isRouteErrorResponse, Link, Outlet, useLoaderData, useRouteError } from "@remix-run/react";
import { ErrorPage } from "~/components/dsfr/error-page";
import { AgentBar } from "~/components/portal/agent-bar";
import type { BreadcrumbHandle } from "~/components/route-breadcrumb";
import { CommuneNav } from "~/components/portal/commune-nav";
import { requireMembership } from "~/portal/access/access.server";

/**
 * The frame of a commune's space: who is signed in and the sections. Child
 * routes render below it; each checks membership itself, since Remix runs
 * loaders in parallel and a parent's check does not protect a child's data.
 */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { agent, collectivity, membership } = await requireMembership(request, params.siret);
  return {
    agent: {
      givenName: agent.givenName,
      usualName: agent.usualName,
      email: agent.email,
      platformAdmin: agent.platformAdmin,
    },
    commune: { name: collectivity.name, siret: collectivity.siret },
    isAdmin: membership.role === "admin",
  };
}

/** Every page of the space starts its trail with the agents' home and the commune. */
export const handle: BreadcrumbHandle<Awaited<ReturnType<typeof loader>>> = {
  breadcrumb: ({ data, params }) => [
    { label: "Espace agents", to: "/portail" },
    { label: data?.commune.name ?? "Commune", to: `/portail/communes/${params.siret}` },
  ],
};

export default function CommuneSpace() {
  const { agent, commune, isAdmin } = useLoaderData<typeof loader>();
  return (
    <>
      <AgentBar agent={agent} />
      <div className="fr-container fr-pt-3w">
        <p className="fr-text--lg fr-text--bold fr-mb-1w">
          <span className="fr-icon-government-line fr-mr-1w" aria-hidden="true" />
          {commune.name}
          {agent.platformAdmin ? (
            <Link to="/portail" className="fr-link fr-text--sm fr-ml-3w">
              Toutes vos communes et l’administration
            </Link>
          ) : null}
        </p>
        <CommuneNav siret={commune.siret} isAdmin={isAdmin} />
      </div>
      <Outlet />
    </>
  );
}

/** A plain agent on an administrator's page: say why, and keep a way back. */
export function ErrorBoundary() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 403) {
    return (
      <div className="fr-container fr-my-6w">
        <h1>Accès réservé aux administrateurs</h1>
        <p>
          Cette page est réservée aux administrateurs de l’espace de la commune. Demandez-leur si vous en avez besoin.
        </p>
        <Link className="fr-link" to="/portail">
          Retour à l’espace agents
        </Link>
      </div>
    );
  }
  return <ErrorPage error={error} />;
}
