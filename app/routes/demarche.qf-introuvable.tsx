import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { readCitizenSession } from "~/citizen/journey.server";
import { Alternatives } from "~/components/alternatives";
import { LogoutButton } from "~/components/citizen-logout-button";

export const meta: MetaFunction = () => [{ title: "Quotient familial introuvable - Portail QF" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await readCitizenSession(request);
  if (session?.retrieval?.kind !== "not_found") throw redirect("/collectivites");
  return { siret: session.siret };
}

export default function NotFound() {
  useLoaderData<typeof loader>();
  return (
    <div className="fr-container fr-my-6w">
      <h1>Nous n’avons pas trouvé votre quotient familial</h1>
      <p>
        La CAF et la MSA n’ont pas de dossier d’allocataire à votre nom. C’est normal si vous ne recevez pas
        d’allocations, si vous venez de déménager ou si un autre membre de votre foyer est l’allocataire : dans ce cas,
        c’est à lui de faire la démarche.
      </p>
      <p>Rien n’a été transmis à votre commune.</p>
      <Alternatives />
      <LogoutButton />
    </div>
  );
}
