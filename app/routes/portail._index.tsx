import { data, redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Alert } from "~/components/dsfr/alert";
import { Button } from "~/components/dsfr/button";
import { Callout } from "~/components/dsfr/callout";
import { ExternalLink } from "~/components/dsfr/external-link";
import { FlashAlert } from "~/components/flash-alert";
import { AgentBar } from "~/components/portal/agent-bar";
import { getDatabase } from "~/db.server";
import { parseForm } from "~/forms/parse-form";
import type { Flash } from "~/http/flash";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { listAgentCommunes } from "~/portal/access/access.server";
import { requireAgent } from "~/portal/access/agent-session.server";
import { createJoinRequest, joinableCommune, type JoinRequestOutcome } from "~/portal/access/join-requests.server";
import { formatDate } from "~/domain/paris-time";
import { toPlace } from "~/domain/french-elision";

export const meta: MetaFunction = () => [{ title: "Espace agents - Portail QF" }];

/** The agent's communes; straight into the space when there is only one. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { agent } = await requireAgent(request);
  const db = await getDatabase();
  const communes = await listAgentCommunes(db, agent.id);
  if (communes.length === 1 && !agent.platformAdmin) throw redirect(`/portail/communes/${communes[0]!.siret}`);
  const joinable = communes.length === 0 ? await joinableCommune(db, agent.id) : null;
  const { flash, headers } = await readFlash(request);
  return data(
    {
      flash,
      agent: {
        givenName: agent.givenName,
        usualName: agent.usualName,
        email: agent.email,
        platformAdmin: agent.platformAdmin,
      },
      communes,
      joinable: joinable
        ? {
            name: joinable.name,
            request: joinable.request
              ? { status: joinable.request.status, createdAt: formatDate(joinable.request.createdAt) }
              : null,
          }
        : null,
    },
    { headers },
  );
}

const JOIN_SENT = "Votre demande est envoyée. L’administrateur de la commune va l’examiner.";

/** What the agent is told when their request changed nothing. */
const JOIN_MESSAGES: Record<Exclude<JoinRequestOutcome, "created">, { type: "info" | "error"; text: string }> = {
  already_pending: { type: "info", text: "Votre demande est déjà en attente." },
  already_refused: { type: "error", text: "Votre demande a été refusée. Contactez l’administrateur de la commune." },
  already_member: { type: "info", text: "Vous avez déjà accès à cette commune." },
  no_commune: { type: "error", text: "Aucune commune utilisant Portail QF ne correspond à votre organisation." },
};

/** "Demander à rejoindre": the commune is the one of the agent's siret claim, never one named in the form. */
export async function action({ request, context }: ActionFunctionArgs) {
  const { agent } = await requireAgent(request);
  if (!parseForm(joinForm, await request.formData()).success) throw data("Action inconnue", { status: 400 });
  const outcome = await createJoinRequest(await getDatabase(), { agentId: agent.id, requestId: context.requestId });
  if (outcome === "created") return redirectWithFlash("/portail", { level: "success", message: JOIN_SENT });
  return { join: JOIN_MESSAGES[outcome] };
}

/** The only form of the page: "Demander à rejoindre". */
const joinForm = z.object({ intent: z.literal("join") });

export default function PortalHome() {
  const { agent, communes, joinable, flash } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <>
      <AgentBar agent={agent} />
      <div className="fr-container fr-my-6w">
        {communes.length > 0 ? (
          <>
            <h1>Vos communes</h1>
            <ul className="fr-grid-row fr-grid-row--gutters fr-raw-list">
              {communes.map((commune) => (
                <li key={commune.siret} className="fr-col-12 fr-col-md-4">
                  <div className="fr-tile fr-enlarge-link">
                    <div className="fr-tile__body">
                      <div className="fr-tile__content">
                        <h2 className="fr-tile__title">
                          <Link to={`/portail/communes/${commune.siret}`}>{commune.name}</Link>
                        </h2>
                        <p className="fr-tile__detail">{commune.role === "admin" ? "Administrateur" : "Agent"}</p>
                      </div>
                    </div>
                  </div>
                </li>
              ))}
            </ul>
          </>
        ) : (
          <NoAccess
            email={agent.email}
            joinable={joinable}
            result={result?.join ?? null}
            flash={flash}
            platformAdmin={agent.platformAdmin}
          />
        )}
        {agent.platformAdmin ? (
          <Callout
            title="Administration de la plateforme"
            titleAs="h2"
            text="Gérer les communes : activation, accès, invitation de leur administrateur."
          >
            <Link className="fr-btn" to="/portail/administration">
              Administrer les communes
            </Link>
          </Callout>
        ) : null}
      </div>
    </>
  );
}

type Joinable = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["joinable"]>;

/** Not an error: how the agent's commune gets access, and a request to join when their organisation is known. */
function NoAccess({
  email,
  joinable,
  result,
  flash,
  platformAdmin,
}: {
  email: string;
  joinable: Joinable | null;
  result: { type: "info" | "error"; text: string } | null;
  flash: Flash | null;
  platformAdmin: boolean;
}) {
  if (platformAdmin) {
    return <h1>Espace agents</h1>;
  }
  return (
    <div className="fr-grid-row">
      <div className="fr-col-12 fr-col-lg-9">
        <h1>Vous n’avez pas encore accès à l’espace d’une commune</h1>
        <p className="fr-text--lead">
          Vous êtes bien connecté avec ProConnect, mais votre adresse <strong>{email}</strong> n’est rattachée à aucune
          commune sur Portail QF.
        </p>
        <FlashAlert flash={flash} className="fr-mb-4w" />
        {result ? <Alert type={result.type} small description={result.text} announce className="fr-mb-4w" /> : null}
        {joinable ? <JoinCallout joinable={joinable} /> : null}
        <h2>Comment une commune obtient l’accès</h2>
        <ol>
          <li>
            La commune demande l’habilitation au service sur{" "}
            <ExternalLink href="https://datapass.api.gouv.fr/">DataPass</ExternalLink>. Une fois la demande validée, la
            personne qui l’a faite devient administratrice de l’espace de la commune.
          </li>
          <li>
            L’administrateur invite ses collègues avec leur adresse électronique professionnelle. À leur connexion
            suivante avec ProConnect, ils accèdent à l’espace de la commune.
          </li>
        </ol>
        <p>
          Vous pensez avoir été invité ? Vérifiez auprès de l’administrateur de votre commune que l’invitation porte
          bien sur l’adresse <strong>{email}</strong>, puis reconnectez-vous.
        </p>
      </div>
    </div>
  );
}

function JoinCallout({ joinable }: { joinable: Joinable }) {
  const request = joinable.request;
  if (request?.status === "pending") {
    return (
      <Callout
        title={`Demande envoyée ${toPlace(joinable.name)}`}
        titleAs="h2"
        text={`Votre demande du ${request.createdAt} attend la décision de l’administrateur de la commune. Vous aurez accès à l’espace dès qu’il l’aura acceptée.`}
      />
    );
  }
  if (request?.status === "refused") {
    return (
      <Callout
        title={`Demande refusée par ${joinable.name}`}
        titleAs="h2"
        text="L’administrateur de la commune a refusé votre demande. Contactez-le si vous pensez qu’il s’agit d’une erreur."
      />
    );
  }
  return (
    <Callout
      title={`Vous travaillez pour ${joinable.name} ?`}
      titleAs="h2"
      text={`Votre compte ProConnect vous rattache ${toPlace(joinable.name)}, qui utilise Portail QF. Demandez à rejoindre son espace : son administrateur acceptera ou refusera votre demande.`}
    >
      <Form method="post">
        <input type="hidden" name="intent" value="join" />
        <Button type="submit">{`Demander à rejoindre ${joinable.name}`}</Button>
      </Form>
    </Callout>
  );
}
