import { redirect, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { Alert } from "~/components/dsfr/alert";
import { ProConnectButton } from "~/components/portal/proconnect-button";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { parseForm } from "~/forms/parse-form";
import { readAgentSession, safeRedirectTo } from "~/portal/access/agent-session.server";
import { beginLogin, LOGIN_MESSAGES, type LoginMessageKey } from "~/portal/access/proconnect-login.server";
import { redirectWithCookies } from "~/portal/access/redirect-with-cookies.server";

export const meta: MetaFunction = () => [{ title: "Connexion à l’espace agents - Portail QF" }];

const messageOf = (key: string | null) =>
  key && Object.hasOwn(LOGIN_MESSAGES, key) ? LOGIN_MESSAGES[key as LoginMessageKey] : null;

/** Public: the one page of the portal reachable without a session. */
export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const redirectTo = url.searchParams.get("redirectTo");
  if (await readAgentSession(await getDatabase(), request)) throw redirect(safeRedirectTo(redirectTo));
  return {
    redirectTo: redirectTo ? safeRedirectTo(redirectTo) : null,
    message: messageOf(url.searchParams.get("erreur") ?? url.searchParams.get("deconnexion")),
    demo: getConfig().demoMode,
  };
}

/** The button's one hidden field, never an error: beginLogin keeps it only if safeRedirectTo accepts it. */
const loginFormSchema = z.object({ redirectTo: z.string().nullable().catch(null) });

/** The button posts here: the authorization request is built server-side with fresh state, nonce and PKCE. */
export async function action({ request }: ActionFunctionArgs) {
  const form = parseForm(loginFormSchema, await request.formData());
  const next = await beginLogin(form.success ? form.data.redirectTo : null);
  return redirectWithCookies(next.location, next.setCookies);
}

export default function PortalLogin() {
  const { redirectTo, message, demo } = useLoaderData<typeof loader>();
  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row fr-grid-row--center">
        <div className="fr-col-12 fr-col-md-8 fr-col-lg-6">
          <h1>Connexion à l’espace agents</h1>
          {message ? (
            <Alert type={message.type} small description={message.text} role="status" className="fr-mb-4w" />
          ) : null}
          <p>
            L’espace agents de Portail QF permet aux communes de recevoir et de traiter les quotients familiaux que les
            familles leur transmettent.
          </p>
          <p>Connectez-vous avec votre compte professionnel ProConnect.</p>
          <ProConnectButton action="/portail/connexion" redirectTo={redirectTo} />
          {demo ? (
            <Alert
              type="info"
              small
              className="fr-mt-4w"
              description="Démonstration : la page ProConnect simulée liste des agents fictifs. Un clic sur un agent le connecte."
            />
          ) : null}
          <h2 className="fr-h5 fr-mt-6w">Votre commune n’utilise pas encore Portail QF ?</h2>
          <p>
            La commune demande l’accès au service avec une habilitation sur DataPass. La personne qui fait la demande
            devient administratrice de l’espace de la commune et invite ensuite ses collègues.
          </p>
        </div>
      </div>
    </div>
  );
}
