import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { readCitizenSession } from "~/citizen/journey.server";
import { Alternatives } from "~/components/alternatives";
import { LogoutButton } from "~/components/citizen-logout-button";

export const meta: MetaFunction = () => [{ title: "Erreur du service - Portail QF" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const session = await readCitizenSession(request);
  return data({ hasSession: Boolean(session?.idToken) }, { status: 503 });
}

/** 401/403 from API Particulier or unusable data: our side's problem, never the citizen's. */
export default function ServiceError() {
  return (
    <div className="fr-container fr-my-6w">
      <h1>Le service rencontre un problème</h1>
      <p>
        Nous n’avons pas pu récupérer votre quotient familial à cause d’une erreur de notre service. Vous n’y êtes pour
        rien. Rien n’a été transmis à votre commune. L’équipe technique est prévenue.
      </p>
      <Alternatives />
      <LogoutButton />
    </div>
  );
}
