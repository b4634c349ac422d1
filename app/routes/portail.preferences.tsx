import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { Button } from "~/components/dsfr/button";
import { Checkbox } from "~/components/dsfr/checkbox";
import { FlashAlert } from "~/components/flash-alert";
import { AgentBar } from "~/components/portal/agent-bar";
import { getDatabase } from "~/db.server";
import { parseForm } from "~/forms/parse-form";
import { readFlash, redirectWithFlash } from "~/http/flash.server";
import { requireAgent } from "~/portal/access/agent-session.server";
import { OPTIONAL_MAIL_LABELS, PREFERENCE_KINDS } from "~/portal/preferences/mail-kind-labels";
import { loadMailPreferences, saveMailPreferences } from "~/portal/preferences/mail-preferences.server";

export const meta: MetaFunction = () => [{ title: "Préférences de courriels - Portail QF" }];

/** The agent's own optional mails (invitations and access requests are always sent). */
export async function loader({ request }: LoaderFunctionArgs) {
  const { agent } = await requireAgent(request);
  const { flash, headers } = await readFlash(request);
  return data(
    {
      flash,
      agent: { givenName: agent.givenName, usualName: agent.usualName, email: agent.email },
      preferences: await loadMailPreferences(await getDatabase(), agent.id),
    },
    { headers },
  );
}

// An unchecked box is absent from the form: absent means off.
const preferencesForm = z.object(
  Object.fromEntries(PREFERENCE_KINDS.map((kind) => [kind, z.literal("on").optional()])) as Record<
    (typeof PREFERENCE_KINDS)[number],
    z.ZodOptional<z.ZodLiteral<"on">>
  >,
);

export async function action({ request, context }: ActionFunctionArgs) {
  const { agent } = await requireAgent(request);
  const form = parseForm(preferencesForm, await request.formData());
  if (!form.success) throw data("Formulaire invalide", { status: 400 });
  const choices = Object.fromEntries(PREFERENCE_KINDS.map((kind) => [kind, form.data[kind] === "on"])) as Record<
    (typeof PREFERENCE_KINDS)[number],
    boolean
  >;
  await saveMailPreferences(await getDatabase(), { agentId: agent.id, choices, requestId: context.requestId });
  return redirectWithFlash("/portail/preferences", { level: "success", message: "Vos préférences sont enregistrées." });
}

export default function MailPreferences() {
  const { flash, agent, preferences } = useLoaderData<typeof loader>();
  const busy = useNavigation().state !== "idle";
  return (
    <>
      <AgentBar agent={agent} />
      <div className="fr-container fr-my-6w">
        <h1>Préférences de courriels</h1>
        <FlashAlert flash={flash} className="fr-mb-4w" />
        <p>
          Portail QF vous écrit à {agent.email}. Les invitations et les demandes d’accès vous sont toujours envoyées ;
          choisissez ici les autres courriels. Aucun courriel ne contient de donnée personnelle d’une famille.
        </p>
        <Form method="post">
          <fieldset className="fr-fieldset">
            <legend className="fr-fieldset__legend">Courriels que vous recevez</legend>
            {PREFERENCE_KINDS.map((kind) => (
              <div className="fr-fieldset__element" key={kind}>
                <Checkbox
                  name={kind}
                  label={OPTIONAL_MAIL_LABELS[kind].label}
                  hint={OPTIONAL_MAIL_LABELS[kind].hint}
                  defaultChecked={preferences[kind]}
                />
              </div>
            ))}
          </fieldset>
          <Button type="submit" disabled={busy}>
            Enregistrer
          </Button>
        </Form>
      </div>
    </>
  );
}
