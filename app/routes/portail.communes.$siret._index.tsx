import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { Alert } from "~/components/dsfr/alert";
import { getDatabase } from "~/db.server";
import { requireMembership } from "~/portal/access/access.server";
import { getSettingsView } from "~/portal/settings/collectivity-settings.server";
import { listPendingJoinRequests } from "~/portal/access/join-requests.server";
import { ofPlace } from "~/domain/french-elision";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.commune.name} - Espace agents - Portail QF` : "Espace agents - Portail QF" },
];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { collectivity, membership } = await requireMembership(request, params.siret);
  const isAdmin = membership.role === "admin";
  const db = await getDatabase();
  let setup = null;
  if (isAdmin) {
    const settings = await getSettingsView(db, collectivity.id);
    setup = {
      hubeeConfigured: Boolean(settings.hubeeSi.clientId && settings.hubeeSi.secretConfiguredAt),
      apiParticulierConfigured: Boolean(settings.apiParticulier.tokenConfiguredAt),
      pendingJoinRequests: (await listPendingJoinRequests(db, collectivity.id)).length,
    };
  }
  return {
    commune: {
      name: collectivity.name,
      siret: collectivity.siret,
      status: collectivity.status,
      editor: collectivity.editor,
    },
    isAdmin,
    setup,
  };
}

export default function CommuneHome() {
  const { commune, isAdmin, setup } = useLoaderData<typeof loader>();
  const base = `/portail/communes/${commune.siret}`;
  const sections = [
    { to: `${base}/dossiers`, title: "Dossiers reçus", detail: "Les quotients familiaux transmis par les familles" },
    ...(isAdmin
      ? [
          { to: `${base}/agents`, title: "Agents", detail: "Inviter des collègues, gérer les accès et les demandes" },
          {
            to: `${base}/parametres`,
            title: "Paramètres",
            detail: "Identifiants HubEE, jeton API Particulier, page publique",
          },
          { to: `${base}/journal`, title: "Journal", detail: "Qui a fait quoi, et quand" },
        ]
      : []),
  ];
  return (
    <div className="fr-container fr-my-4w">
      <h1>Espace {ofPlace(commune.name)}</h1>
      {commune.status === "inactive" ? (
        <Alert
          type="warning"
          small
          className="fr-mb-3w"
          description="Ce service est désactivé pour la commune : les familles ne peuvent plus lui transmettre leur quotient familial."
        />
      ) : null}
      {commune.editor ? (
        <Alert
          type="info"
          small
          className="fr-mb-3w"
          description={`La commune reçoit les dossiers dans son logiciel (${commune.editor}) : ils n’apparaissent pas ici.`}
        />
      ) : null}
      {setup && !setup.hubeeConfigured ? (
        <Alert
          type="warning"
          small
          className="fr-mb-3w"
          description="Les identifiants HubEE de la commune ne sont pas renseignés : aucun dossier ne peut être reçu. Renseignez-les dans les paramètres."
        />
      ) : null}
      {setup && setup.pendingJoinRequests > 0 ? (
        <Alert
          type="info"
          small
          className="fr-mb-3w"
          description={
            setup.pendingJoinRequests === 1
              ? "Une demande d’accès attend votre décision (rubrique Agents)."
              : `${setup.pendingJoinRequests} demandes d’accès attendent votre décision (rubrique Agents).`
          }
        />
      ) : null}
      <ul className="fr-grid-row fr-grid-row--gutters fr-raw-list">
        {sections.map((section) => (
          <li key={section.to} className="fr-col-12 fr-col-md-6 fr-col-lg-3">
            <div className="fr-tile fr-enlarge-link">
              <div className="fr-tile__body">
                <div className="fr-tile__content">
                  <h2 className="fr-tile__title">
                    <Link to={section.to}>{section.title}</Link>
                  </h2>
                  <p className="fr-tile__detail">{section.detail}</p>
                </div>
              </div>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}
