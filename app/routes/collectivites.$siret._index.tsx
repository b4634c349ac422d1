import { data, type LoaderFunctionArgs, type MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { findActiveCollectivityBySiret, listActiveCollectivities } from "~/citizen/collectivities.server";
import { EXTERNAL_ID_PARAM, REDIRECT_URI_PARAM } from "~/citizen/journey.server";
import { CollectivityList } from "~/components/collectivity-list";
import { Alert } from "~/components/dsfr/alert";
import { FranceConnectButton } from "~/components/france-connect-button";
import { HOME_CRUMB } from "~/components/home-crumb";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { getDatabase } from "~/db.server";
import { loadPublishedTariffs } from "~/citizen/commune-tariffs.server";
import { describeRule } from "~/domain/pricing/describe-rule";
import { UNIT_LABELS } from "~/domain/pricing/rules";
import { versionInForce } from "~/domain/pricing/versions";
import { formatDay, parisToday } from "~/domain/paris-time";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title:
      data && "collectivity" in data && data.collectivity
        ? `${data.collectivity.name} - Portail QF`
        : "Commune introuvable - Portail QF",
  },
];

/** Only a commune that offers the service has a trail; the "not found" page shows the list instead. */
export const handle: BreadcrumbHandle<{ collectivity: { name: string } | null }> = {
  breadcrumb: ({ data }) =>
    data?.collectivity
      ? [HOME_CRUMB, { label: "Choisir votre commune", to: "/collectivites" }, { label: data.collectivity.name }]
      : [],
};

const MESSAGES = {
  annule: { type: "info", text: "Vous avez annulé la connexion avec FranceConnect. Rien n’a été transmis." },
  erreur: {
    type: "error",
    text: "La connexion avec FranceConnect n’a pas abouti. Réessayez dans quelques instants ; rien n’a été transmis.",
  },
  deconnexion: { type: "success", text: "Vous êtes déconnecté de FranceConnect." },
  "numero-trop-long": {
    type: "warning",
    text: "Le numéro de dossier envoyé par le site de votre commune est trop long (plus de 255 caractères) : il ne peut pas accompagner votre quotient familial. Vous pouvez continuer sans lui, la commune retrouvera votre dossier par votre identité, ou revenir au site de la commune pour obtenir un nouveau lien.",
  },
} as const;

export async function loader({ params, request }: LoaderFunctionArgs) {
  const db = await getDatabase();
  const collectivity = await findActiveCollectivityBySiret(db, params.siret ?? "");
  if (!collectivity) {
    // Unknown or inactive: say so clearly and offer the list, with a 404 for crawlers and links checkers.
    return data(
      { collectivity: null, groups: await listActiveCollectivities(db), message: null, loginFields: {}, tariffs: [] },
      { status: 404 },
    );
  }
  const url = new URL(request.url);
  const key =
    url.searchParams.get("franceconnect") ??
    (url.searchParams.get("deconnexion") ? "deconnexion" : null) ??
    (url.searchParams.get("numero_dossier") === "trop-long" ? "numero-trop-long" : null);
  // Own keys only: "constructor" or "toString" in the URL must not pick up Object's members.
  const message = key && Object.hasOwn(MESSAGES, key) ? MESSAGES[key as keyof typeof MESSAGES] : null;
  return {
    collectivity: {
      name: collectivity.name,
      siret: collectivity.siret,
      // HubEE would refuse what the citizen sends: said here, before FranceConnect and consent.
      canReceive: collectivity.hubeeSubscription !== "absent",
    },
    groups: [],
    message,
    loginFields: communePortalFields(url.searchParams),
    tariffs: publicTariffs(await loadPublishedTariffs(db, collectivity.id), parisToday()),
  };
}

/** Each service's published tariff in force today, and the next one already voted. */
function publicTariffs(services: Awaited<ReturnType<typeof loadPublishedTariffs>>, today: string) {
  return services.flatMap((service) => {
    const current = versionInForce(service.versions, today);
    const next = service.versions.find((v) => v.validFrom > today);
    if (!current && !next) return [];
    return [
      {
        name: service.name,
        per: UNIT_LABELS[service.unit].per,
        current: current ? describeRule(current.rule) : null,
        next: next ? { from: formatDay(next.validFrom), rule: describeRule(next.rule) } : null,
      },
    ];
  });
}

/**
 * What the commune's own portal sent (back here after a cancel or an error at FranceConnect, or on a
 * link to this page): handed on to the FranceConnect button, which checks them again.
 */
function communePortalFields(search: URLSearchParams): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const name of [EXTERNAL_ID_PARAM, REDIRECT_URI_PARAM]) {
    const value = search.get(name);
    // Bounded so an odd link cannot bloat the page; me_connecter validates the content.
    if (value && value.length <= 2048) fields[name] = value;
  }
  return fields;
}

export default function CollectivityPage() {
  const { collectivity, groups, message, loginFields, tariffs } = useLoaderData<typeof loader>();
  if (!collectivity) {
    return (
      <div className="fr-container fr-my-6w">
        <h1>Commune introuvable</h1>
        <Alert
          type="warning"
          className="fr-mb-4w"
          description="Cette adresse ne correspond à aucune commune proposant ce service, ou la commune ne le propose plus. Choisissez votre commune dans la liste."
        />
        <CollectivityList groups={groups} query="" />
      </div>
    );
  }
  return (
    <div className="fr-container fr-my-6w">
      <RouteBreadcrumb />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8">
          <h1>Transmettre votre quotient familial à {collectivity.name}</h1>
          {message ? (
            <Alert type={message.type} small description={message.text} className="fr-mb-4w" role="status" />
          ) : null}
          {collectivity.canReceive ? (
            <>
              <p>
                Connectez-vous avec FranceConnect : nous demandons ensuite votre quotient familial à la CAF ou à la MSA.
                Vous le vérifiez, puis vous choisissez de l’envoyer ou non à {collectivity.name}.
              </p>
              <p>Rien n’est envoyé sans votre accord.</p>
              <FranceConnectButton
                action={`/collectivites/${collectivity.siret}/me_connecter`}
                hiddenFields={loginFields}
              />
            </>
          ) : (
            <Alert
              type="warning"
              titleAs="h2"
              className="fr-mb-4w"
              data-testid="commune-pas-abonnee"
              title={`${collectivity.name} ne peut pas encore recevoir votre quotient familial par ce service`}
              description="Son raccordement à la plateforme d’échange de l’État (HubEE) n’est pas actif. Rien ne vous est demandé ici : présentez votre attestation de quotient familial (CAF ou MSA) à votre mairie, ou revenez plus tard."
            />
          )}
          {tariffs.length > 0 ? (
            <section aria-labelledby="tarifs-commune" data-testid="tarifs-commune">
              <h2 className="fr-h4 fr-mt-6w" id="tarifs-commune">
                Les tarifs de {collectivity.name}
              </h2>
              <p>Votre quotient familial fixe votre tarif :</p>
              <ul>
                {tariffs.map((t) => (
                  <li key={t.name}>
                    <strong>{t.name}</strong> ({t.per}) : {t.current ?? "pas encore en vigueur"}
                    {t.next ? (
                      <>
                        <br />
                        <span className="fr-text--sm">
                          À partir du {t.next.from} : {t.next.rule}
                        </span>
                      </>
                    ) : null}
                  </li>
                ))}
              </ul>
            </section>
          ) : null}
          <h2 className="fr-h4 fr-mt-6w">Pour les agents de la commune</h2>
          <p>
            Affichez ce service avec un QR code qui mène à cette page :{" "}
            <a href={`/collectivites/${collectivity.siret}/qrcode.png`} download>
              QR code en PNG
            </a>{" "}
            ou{" "}
            <a href={`/collectivites/${collectivity.siret}/qrcode.svg`} download>
              en SVG pour l’impression
            </a>
            .
          </p>
        </div>
      </div>
    </div>
  );
}
