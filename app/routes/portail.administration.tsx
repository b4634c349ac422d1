import { data, type ActionFunctionArgs, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation, useOutlet } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { Badge } from "~/components/dsfr/badge";
import { Breadcrumb } from "~/components/dsfr/breadcrumb";
import { Button } from "~/components/dsfr/button";
import { Input } from "~/components/dsfr/input";
import { Select } from "~/components/dsfr/select";
import { Table } from "~/components/dsfr/table";
import { AgentBar } from "~/components/portal/agent-bar";
import { getDatabase } from "~/db.server";
import { requirePlatformAdmin } from "~/portal/access/access.server";
import { inviteAgent } from "~/portal/access/invitations.server";
import { listCommunesOverview, setCommuneStatus } from "~/portal/access/platform-admin.server";

export const meta: MetaFunction = () => [{ title: "Administration des communes - Portail QF" }];

/** The platform administrator's view: communes and their access, never their families. */
export async function loader({ request }: LoaderFunctionArgs) {
  const { agent } = await requirePlatformAdmin(request);
  const communes = await listCommunesOverview(await getDatabase());
  return {
    agent: { givenName: agent.givenName, usualName: agent.usualName, email: agent.email },
    communes,
  };
}

type Notice = { type: "success" | "error" | "info"; text: string };
type ActionResult = {
  notice: Notice;
  /** An invalid address: the field says so and keeps what was typed, with the commune chosen. */
  inviteError?: string;
  inviteEmail?: string;
  inviteCollectivityId?: string;
};

export async function action({ request, context }: ActionFunctionArgs) {
  const { agent } = await requirePlatformAdmin(request);
  const db = await getDatabase();
  const form = await request.formData();
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" ? value.trim() : "";
  };
  const communes = await listCommunesOverview(db);
  const commune = communes.find((c) => c.id === text("collectivityId"));
  if (!commune) throw data("Commune inconnue", { status: 400 });
  const common = { collectivityId: commune.id, actor: agent.id, requestId: context.requestId };
  switch (text("intent")) {
    case "activate":
    case "deactivate": {
      const status = text("intent") === "activate" ? "active" : "inactive";
      await setCommuneStatus(db, { ...common, status });
      return {
        notice: {
          type: "success",
          text: `${commune.name} est ${status === "active" ? "activée" : "désactivée"}.`,
        },
      } satisfies ActionResult;
    }
    case "invite-admin": {
      const email = text("email");
      const outcome = await inviteAgent(db, { ...common, email, role: "admin", invitedBy: agent.id });
      if (outcome.kind === "invalid_email") {
        return data<ActionResult>(
          {
            notice: { type: "error", text: "Adresse électronique invalide : l’invitation n’a pas été enregistrée." },
            inviteError: "Saisissez une adresse électronique valide (exemple : prenom.nom@mairie-exemple.fr).",
            inviteEmail: email,
            inviteCollectivityId: commune.id,
          },
          { status: 400 },
        );
      }
      return {
        notice:
          outcome.kind === "invited"
            ? { type: "success", text: `Invitation d’administrateur enregistrée pour ${commune.name}.` }
            : { type: "info", text: "Cette personne est déjà membre de la commune." },
      } satisfies ActionResult;
    }
    default:
      throw data("Action inconnue", { status: 400 });
  }
}

export default function PlatformAdministration() {
  const { agent, communes } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>() as ActionResult | undefined;
  const busy = useNavigation().state !== "idle";
  // Child pages (the dashboard) are whole pages of their own, not a section of this one.
  const outlet = useOutlet();
  if (outlet) return outlet;
  return (
    <>
      <AgentBar agent={agent} />
      <div className="fr-container fr-my-4w">
        <Breadcrumb
          segments={[{ label: "Espace agents", to: "/portail" }]}
          currentPageLabel="Administration des communes"
        />
        <h1>Administration des communes</h1>
        <p>
          Vous gérez les communes de la plateforme. Vous ne voyez pas leurs dossiers : seuls les membres d’une commune y
          ont accès.
        </p>
        <p>
          <Link
            className="fr-link fr-icon-arrow-right-line fr-link--icon-right"
            to="/portail/administration/tableau-de-bord"
          >
            Tableau de bord de la plateforme : transmissions, échecs de livraison, taux d’erreur
          </Link>
        </p>
        {result ? (
          <Alert type={result.notice.type} small announce description={result.notice.text} className="fr-mb-4w" />
        ) : null}
        <Table
          caption="Communes de la plateforme"
          rowHeaders
          headers={[
            "Commune",
            "SIRET",
            "Département",
            "Statut",
            "Logiciel",
            "Administrateurs",
            "Agents",
            "Invitations en attente",
            "Action",
          ]}
          rows={communes.map((commune) => ({
            key: commune.id,
            cells: [
              commune.name,
              commune.siret,
              commune.departement,
              <Badge key="status" type={commune.status === "active" ? "success" : "warning"} small>
                {commune.status === "active" ? "Active" : "Inactive"}
              </Badge>,
              commune.editor ?? "Portail QF",
              String(commune.admins),
              String(commune.agents),
              String(commune.openInvitations),
              <Form key="status-form" method="post">
                <input type="hidden" name="collectivityId" value={commune.id} />
                <input type="hidden" name="intent" value={commune.status === "active" ? "deactivate" : "activate"} />
                <Button type="submit" size="sm" priority="secondary" disabled={busy}>
                  {commune.status === "active" ? `Désactiver ${commune.name}` : `Activer ${commune.name}`}
                </Button>
              </Form>,
            ],
          }))}
        />
        <h2 className="fr-mt-6w">Inviter l’administrateur d’une commune</h2>
        <p>
          D’ordinaire, le demandeur de l’habilitation DataPass est invité automatiquement. Utilisez ce formulaire s’il a
          changé de poste ou si la commune n’a plus d’administrateur.
        </p>
        <Form method="post" className="fr-grid-row fr-grid-row--gutters fr-grid-row--bottom">
          <input type="hidden" name="intent" value="invite-admin" />
          <Select
            className="fr-col-12 fr-col-md-4"
            name="collectivityId"
            label="Commune"
            placeholder="Sélectionner une commune"
            defaultValue={result?.inviteCollectivityId ?? ""}
            required
            options={communes.map((commune) => ({
              value: commune.id,
              label: `${commune.name} (${commune.departement})`,
            }))}
          />
          <Input
            className="fr-col-12 fr-col-md-5"
            name="email"
            type="email"
            label="Adresse électronique"
            required
            autoComplete="off"
            defaultValue={result?.inviteEmail}
            error={result?.inviteError}
          />
          <div className="fr-col-12 fr-col-md-3 fr-mb-3w">
            <Button type="submit" disabled={busy}>
              Inviter
            </Button>
          </div>
        </Form>
      </div>
    </>
  );
}
