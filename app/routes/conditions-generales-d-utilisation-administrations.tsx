import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { ContentPage, contentPageHandle } from "~/components/content-page";
import { OPERATOR } from "~/content/operator";
import { FAMILY_FILE_RETENTION_MAX_YEARS, FAMILY_FILE_RETENTION_MIN_YEARS, formatYears } from "~/retention-periods";

const TITLE = "Conditions générales d’utilisation pour les administrations";

export const meta: MetaFunction = () => [{ title: "CGU des administrations - Portail QF" }];

export const handle = contentPageHandle(TITLE);

/** The terms a commune accepts when it joins (the national form's /cgu_administrations). */
export default function AdministrationsTermsOfUse() {
  return (
    <ContentPage
      title={TITLE}
      lead="Ce à quoi s’engagent la commune qui adhère à Portail QF et ses agents, et ce que l’éditeur du service leur garantit."
    >
      <h2>Article 1 – Objet</h2>
      <p>
        Portail QF, édité par la {OPERATOR.name} ({OPERATOR.shortName}), permet à une collectivité de recevoir le
        quotient familial des familles qui le lui transmettent avec FranceConnect, calculé par la CAF ou la MSA et servi
        par API Particulier. Les conditions pour les familles sont celles des{" "}
        <Link to="/conditions-generales-d-utilisation">conditions générales d’utilisation</Link>.
      </p>

      <h2>Article 2 – Adhésion</h2>
      <p>
        La collectivité adhère par une demande d’habilitation DataPass, validée par l’éditeur. L’habilitation précise le
        cadre juridique (la tarification de services publics selon le quotient familial) et, le cas échéant, l’éditeur
        de logiciel qui reçoit les dossiers pour elle par HubEE.
      </p>

      <h2>Article 3 – Accès des agents</h2>
      <p>
        Les agents se connectent avec ProConnect. Le premier administrateur est la personne qui a fait la demande ; il
        habilite ses collègues et retire leur accès quand ils n’en ont plus besoin. Un agent n’utilise le service que
        pour les missions de la collectivité, et ne communique les données qu’aux personnes qui ont à les connaître.
      </p>

      <h2>Article 4 – Données personnelles</h2>
      <p>
        La collectivité est responsable des traitements qu’elle fait des dossiers reçus. Elle fixe leur durée de
        conservation dans l’espace agents, entre {formatYears(FAMILY_FILE_RETENTION_MIN_YEARS)} et{" "}
        {formatYears(FAMILY_FILE_RETENTION_MAX_YEARS)}, et répond aux demandes des familles (accès, rectification,
        effacement). Chaque consultation, export ou changement de statut est inscrit au journal de la collectivité.
      </p>

      <h2>Article 5 – Engagements de l’éditeur</h2>
      <p>
        L’éditeur héberge le service en France, chiffre au repos les données et les secrets de la collectivité (jeton
        API Particulier, identifiants HubEE), n’utilise les données que pour les transmettre et les mettre à
        disposition, et informe la collectivité de tout incident qui la concerne.
      </p>

      <h2>Article 6 – Fin de l’adhésion</h2>
      <p>
        La collectivité peut quitter le service à tout moment en écrivant à{" "}
        <a href={`mailto:${OPERATOR.contactEmail}`}>{OPERATOR.contactEmail}</a>. Elle n’est alors plus proposée aux
        familles ; ses dossiers restent consultables jusqu’à la fin de leur durée de conservation, puis sont effacés.
      </p>
    </ContentPage>
  );
}
