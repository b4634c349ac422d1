import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button, ButtonsGroup } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { ConnectionTestAlert } from "~/components/portal/connection-test-alert";
import { getConfig } from "~/config.server";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { recordAudit } from "~/audit/audit.server";
import {
  getApiParticulierToken,
  getHubeeSiCredentials,
  getSettingsView,
  saveApiParticulierToken,
  saveHubeeSiCredentials,
  savePublicPageDetails,
  saveRedirectOrigins,
} from "~/portal/settings/collectivity-settings.server";
import {
  testApiParticulierToken,
  testHubeeSiCredentials,
  type ConnectionTestResult,
} from "~/portal/settings/connection-tests.server";
import { formatDate } from "~/domain/paris-time";
import { parsePublicPageDetails } from "~/portal/settings/public-page-details";
import { parseRedirectOrigins } from "~/portal/access/redirect-origins";
import { getServices } from "~/services.server";

export const meta: MetaFunction = () => [{ title: "Paramètres de la commune - Espace agents - Portail QF" }];

/** Secrets never leave the server: the page only learns whether, and since when, they are set. */
export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity } = await requireMembership(request, params.siret, "admin");
  const settings = await getSettingsView(await getDatabase(), collectivity.id);
  const date = (value: Date | null) => (value ? formatDate(value) : null);
  return {
    commune: { name: collectivity.name, siret: collectivity.siret },
    hubeeSi: { clientId: settings.hubeeSi.clientId, secretConfiguredOn: date(settings.hubeeSi.secretConfiguredAt) },
    apiParticulier: { tokenConfiguredOn: date(settings.apiParticulier.tokenConfiguredAt) },
    redirectOrigins: settings.redirectOrigins,
    publicPage: settings.publicPage,
    allowHttpOrigins: getConfig().demoMode,
  };
}

type Section = "hubee" | "apiParticulier" | "origins" | "publicPage";
type ActionResult = {
  section: Section;
  result: ConnectionTestResult | null;
  errors: Record<string, string>;
  /** What the administrator typed, to show again after an error (never a secret). */
  values: Record<string, string>;
  /** Set after a save: remounts the form, so no typed secret lingers in the page. */
  savedAt: number | null;
};

const field = (form: FormData, name: string) => {
  const value = form.get(name);
  return typeof value === "string" ? value.trim() : "";
};

/**
 * Field errors, with an error alert for their section: the alert is announced (role="alert"),
 * the messages under the fields are not.
 */
const invalid = (section: Section, errors: Record<string, string>, values: Record<string, string> = {}) => {
  const count = Object.keys(errors).length;
  const message = count === 1 ? "Un champ est à corriger ci-dessous." : `${count} champs sont à corriger ci-dessous.`;
  return data<ActionResult>(
    { section, result: { level: "error", message }, errors, values, savedAt: null },
    { status: 400 },
  );
};
const done = (section: Section, result: ConnectionTestResult, values: Record<string, string> = {}): ActionResult => ({
  section,
  result,
  errors: {},
  values,
  savedAt: null,
});
const saved = (section: Section, message: string): ActionResult => ({
  section,
  result: { level: "success", message },
  errors: {},
  values: {},
  savedAt: Date.now(),
});

export async function action({ request, params, context }: ActionFunctionArgs) {
  const { agent, collectivity } = await requireMembership(request, params.siret, "admin");
  const db = await getDatabase();
  const { encryptionKey: key, apiParticulier, apiParticulierPacer } = getServices();
  const change = { collectivityId: collectivity.id, actor: agent.id, requestId: context.requestId };
  const form = await request.formData();
  const intent = form.get("intent");

  const audited = async (service: "hubee" | "api_particulier", result: ConnectionTestResult) => {
    await recordAudit(db, {
      ...change,
      action: "settings.connection_tested",
      targetType: "collectivity",
      targetId: collectivity.id,
      details: { service, level: result.level },
    });
    return result;
  };

  switch (intent) {
    case "save-hubee":
    case "test-hubee": {
      const clientId = field(form, "hubeeSiClientId");
      const typedSecret = field(form, "hubeeSiSecret");
      const stored = await getHubeeSiCredentials(db, collectivity.id, key);
      if (!clientId)
        return invalid("hubee", { hubeeSiClientId: "Saisissez l’identifiant client HubEE de la commune." });
      if (clientId.length > 200) return invalid("hubee", { hubeeSiClientId: "Cet identifiant est trop long." });
      const secret = typedSecret || stored?.clientSecret || "";
      if (!secret) {
        return invalid(
          "hubee",
          { hubeeSiSecret: "Saisissez le secret associé à cet identifiant." },
          { hubeeSiClientId: clientId },
        );
      }
      if (intent === "test-hubee") {
        const result = await testHubeeSiCredentials({
          tokenUrl: getConfig().HUBEE_TOKEN_URL,
          clientId,
          clientSecret: secret,
        });
        return done("hubee", await audited("hubee", result), { hubeeSiClientId: clientId });
      }
      await saveHubeeSiCredentials(db, { ...change, key, clientId, clientSecret: typedSecret || null });
      return saved("hubee", "Identifiants HubEE enregistrés.");
    }
    case "save-api-particulier":
    case "test-api-particulier": {
      const typed = field(form, "apiParticulierToken");
      if (/\s/.test(typed) || typed.length > 1000) {
        return invalid("apiParticulier", {
          apiParticulierToken: "Ce jeton n’a pas le bon format : copiez-le en entier, sans espace.",
        });
      }
      if (intent === "save-api-particulier") {
        if (!typed)
          return invalid("apiParticulier", {
            apiParticulierToken: "Saisissez le jeton API Particulier de la commune.",
          });
        await saveApiParticulierToken(db, { ...change, key, token: typed });
        return saved("apiParticulier", "Jeton API Particulier enregistré.");
      }
      const token = typed || (await getApiParticulierToken(db, collectivity.id, key));
      if (!token) return invalid("apiParticulier", { apiParticulierToken: "Saisissez le jeton à tester." });
      const result = await testApiParticulierToken(apiParticulier, apiParticulierPacer(db), {
        token,
        recipientSiret: collectivity.siret,
      });
      return done("apiParticulier", await audited("api_particulier", result));
    }
    case "save-origins": {
      const text = typeof form.get("redirectOrigins") === "string" ? String(form.get("redirectOrigins")) : "";
      const parsed = parseRedirectOrigins(text, { allowHttp: getConfig().demoMode });
      if (!parsed.ok) return invalid("origins", { redirectOrigins: parsed.error }, { redirectOrigins: text });
      await saveRedirectOrigins(db, { ...change, origins: parsed.origins });
      return saved("origins", "Origines autorisées enregistrées.");
    }
    case "save-public-page": {
      const values = {
        contactEmail: field(form, "contactEmail"),
        contactPhone: field(form, "contactPhone"),
        website: field(form, "website"),
      };
      const parsed = parsePublicPageDetails(values);
      if (!parsed.ok) return invalid("publicPage", parsed.errors, values);
      await savePublicPageDetails(db, { ...change, details: parsed.details });
      return saved("publicPage", "Page publique enregistrée.");
    }
    default:
      throw data("Action inconnue", { status: 400 });
  }
}

export default function CommuneSettings() {
  const { commune, hubeeSi, apiParticulier, redirectOrigins, publicPage, allowHttpOrigins } =
    useLoaderData<typeof loader>();
  const outcome = useActionData<typeof action>();
  const busy = useNavigation().state !== "idle";
  const of = (section: Section) => (outcome?.section === section ? outcome : null);
  const hubee = of("hubee");
  const token = of("apiParticulier");
  const origins = of("origins");
  const page = of("publicPage");
  return (
    <div className="fr-container fr-my-4w">
      <Breadcrumb
        segments={[
          { label: "Espace agents", to: "/portail" },
          { label: commune.name, to: `/portail/communes/${commune.siret}` },
        ]}
        currentPageLabel="Paramètres"
      />
      <h1>Paramètres de la commune</h1>
      <p>
        Les secrets ne sont jamais réaffichés : ils sont chiffrés dès leur enregistrement. Pour en changer, saisissez la
        nouvelle valeur.
      </p>

      <section className="fr-mt-6w" aria-labelledby="hubee-titre">
        <h2 id="hubee-titre">Réception des dossiers (HubEE)</h2>
        <p>Les identifiants de l’accès « SI » de la commune pour la démarche FormulaireQF, fournis par HubEE.</p>
        <ConnectionTestAlert result={hubee?.result ?? null} />
        <Form method="post" key={hubee?.savedAt ?? "hubee"} className="fr-col-12 fr-col-md-8 fr-px-0">
          <Input
            name="hubeeSiClientId"
            label="Identifiant client"
            defaultValue={hubee?.values.hubeeSiClientId ?? hubeeSi.clientId ?? ""}
            error={hubee?.errors.hubeeSiClientId}
            autoComplete="off"
            spellCheck={false}
          />
          <Input
            name="hubeeSiSecret"
            type="password"
            label="Secret"
            hint={
              hubeeSi.secretConfiguredOn
                ? `Configuré le ${hubeeSi.secretConfiguredOn}. Laissez vide pour le conserver.`
                : "Non configuré."
            }
            error={hubee?.errors.hubeeSiSecret}
            autoComplete="new-password"
            spellCheck={false}
          />
          <ButtonsGroup inline="sm">
            <li>
              <Button type="submit" name="intent" value="save-hubee" disabled={busy}>
                Enregistrer
              </Button>
            </li>
            <li>
              <Button type="submit" name="intent" value="test-hubee" priority="secondary" disabled={busy}>
                Tester la connexion
              </Button>
            </li>
          </ButtonsGroup>
        </Form>
      </section>

      <section className="fr-mt-6w" aria-labelledby="api-particulier-titre">
        <h2 id="api-particulier-titre">Jeton API Particulier</h2>
        <p>
          Le jeton de l’habilitation « quotient familial » de la commune. Il sert aux mises à jour des quotients
          familiaux et aux recherches faites par les agents.
        </p>
        <ConnectionTestAlert result={token?.result ?? null} />
        <Form method="post" key={token?.savedAt ?? "token"} className="fr-col-12 fr-col-md-8 fr-px-0">
          <Input
            name="apiParticulierToken"
            type="password"
            label="Jeton"
            hint={
              apiParticulier.tokenConfiguredOn
                ? `Configuré le ${apiParticulier.tokenConfiguredOn}. Laissez vide pour tester le jeton enregistré.`
                : "Non configuré."
            }
            error={token?.errors.apiParticulierToken}
            autoComplete="new-password"
            spellCheck={false}
          />
          <ButtonsGroup inline="sm">
            <li>
              <Button type="submit" name="intent" value="save-api-particulier" disabled={busy}>
                Enregistrer
              </Button>
            </li>
            <li>
              <Button type="submit" name="intent" value="test-api-particulier" priority="secondary" disabled={busy}>
                Tester la connexion
              </Button>
            </li>
          </ButtonsGroup>
        </Form>
      </section>

      <section className="fr-mt-6w" aria-labelledby="origines-titre">
        <h2 id="origines-titre">Site de la commune</h2>
        <p>
          Si le portail famille de la commune envoie les familles vers Portail QF, indiquez ici son adresse : à la fin
          de la démarche, les familles pourront y revenir. Les autres adresses de retour sont refusées.
        </p>
        {origins?.result ? (
          <Alert type={origins.result.level} small announce description={origins.result.message} className="fr-mb-3w" />
        ) : null}
        <Form method="post" key={origins?.savedAt ?? "origins"} className="fr-col-12 fr-col-md-8 fr-px-0">
          <div className={`fr-input-group${origins?.errors.redirectOrigins ? " fr-input-group--error" : ""}`}>
            <label className="fr-label" htmlFor="redirectOrigins">
              Origines autorisées
              <span className="fr-hint-text">
                {`Une par ligne, sans chemin : par exemple https://www.mairie-exemple.fr${allowHttpOrigins ? " (http:// accepté en démonstration)" : ""}.`}
              </span>
            </label>
            <textarea
              className="fr-input"
              id="redirectOrigins"
              name="redirectOrigins"
              rows={4}
              spellCheck={false}
              defaultValue={origins?.values.redirectOrigins ?? redirectOrigins.join("\n")}
              aria-invalid={origins?.errors.redirectOrigins ? true : undefined}
              aria-describedby={origins?.errors.redirectOrigins ? "redirectOrigins-error" : undefined}
            />
            <div className="fr-messages-group" aria-live="polite">
              {origins?.errors.redirectOrigins ? (
                <p className="fr-message fr-message--error" id="redirectOrigins-error">
                  {origins.errors.redirectOrigins}
                </p>
              ) : null}
            </div>
          </div>
          <Button type="submit" name="intent" value="save-origins" disabled={busy}>
            Enregistrer
          </Button>
        </Form>
      </section>

      <section className="fr-mt-6w" aria-labelledby="page-publique-titre">
        <h2 id="page-publique-titre">Page publique de la commune</h2>
        <p>Ces coordonnées sont montrées aux familles sur la page de la commune, pour toute question sur le service.</p>
        {page?.result ? (
          <Alert type={page.result.level} small announce description={page.result.message} className="fr-mb-3w" />
        ) : null}
        <Form method="post" key={page?.savedAt ?? "page"} className="fr-col-12 fr-col-md-8 fr-px-0">
          <Input
            name="contactEmail"
            type="email"
            label="Adresse électronique de contact"
            hint="Exemple : accueil@mairie-exemple.fr"
            defaultValue={page?.values.contactEmail ?? publicPage.contactEmail ?? ""}
            error={page?.errors.contactEmail}
            autoComplete="off"
          />
          <Input
            name="contactPhone"
            type="tel"
            label="Téléphone"
            hint="Exemple : 02 41 05 40 00"
            defaultValue={page?.values.contactPhone ?? publicPage.contactPhone ?? ""}
            error={page?.errors.contactPhone}
            autoComplete="off"
          />
          <Input
            name="website"
            type="url"
            label="Site internet"
            hint="Exemple : https://www.mairie-exemple.fr"
            defaultValue={page?.values.website ?? publicPage.website ?? ""}
            error={page?.errors.website}
            autoComplete="off"
          />
          <Button type="submit" name="intent" value="save-public-page" disabled={busy}>
            Enregistrer
          </Button>
        </Form>
      </section>
    </div>
  );
}
