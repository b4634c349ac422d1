import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { ContentPage, contentPageHandle } from "~/components/content-page";
import { ExternalLink } from "~/components/dsfr/external-link";
import { OPERATOR } from "~/content/operator";

const TITLE = "Mentions légales";

export const meta: MetaFunction = () => [{ title: "Mentions légales - Portail QF" }];

export const handle = contentPageHandle(TITLE);

export default function LegalNotice() {
  return (
    <ContentPage title={TITLE}>
      <h2>Éditeur</h2>
      <p>
        Portail QF est édité par la {OPERATOR.name} ({OPERATOR.shortName}), {OPERATOR.postalAddress}.
      </p>
      <p>
        Contact : <a href={`mailto:${OPERATOR.contactEmail}`}>{OPERATOR.contactEmail}</a>
      </p>

      <h2>Directeur de la publication</h2>
      <p>Le directeur de la publication est {OPERATOR.publicationDirector}.</p>

      <h2>Hébergement</h2>
      <p>
        Portail QF est hébergé en France par l’opérateur du service. Les données du service, y compris ses sauvegardes,
        sont stockées en France.
      </p>

      <h2>Services utilisés</h2>
      <p>Portail QF s’appuie sur des services numériques de l’État :</p>
      <ul>
        <li>FranceConnect, pour la connexion des usagers ;</li>
        <li>ProConnect, pour la connexion des agents des communes ;</li>
        <li>API Particulier, pour obtenir le quotient familial calculé par la CAF ou la MSA ;</li>
        <li>HubEE, pour envoyer les informations à la commune de façon sécurisée.</li>
      </ul>

      <h2>Accessibilité</h2>
      <p>
        Portail QF n’est pas encore conforme au RGAA. Voir la{" "}
        <Link to="/accessibilite">déclaration d’accessibilité</Link>.
      </p>

      <h2>Données personnelles et cookies</h2>
      <p>
        Le traitement de vos données et le seul cookie utilisé sont décrits sur la page{" "}
        <Link to="/donnees-personnelles">Données personnelles</Link>.
      </p>

      <h2>Réutilisation des contenus</h2>
      <p>
        Sauf mention contraire, les contenus de ce site sont proposés sous{" "}
        <ExternalLink href="https://github.com/etalab/licence-ouverte/blob/master/LO.md">
          licence etalab-2.0
        </ExternalLink>
        . Le logo de la République française (bloc marque) et le Système de design de l’État ne peuvent pas être
        réutilisés en dehors des sites de l’État.
      </p>

      <h2>Liens vers d’autres sites</h2>
      <p>
        Les liens vers d’autres sites publics ou privés ne constituent pas une approbation de leur contenu. L’éditeur ne
        peut pas être tenu responsable du contenu de ces sites.
      </p>

      <h2>Sécurité</h2>
      <p>
        Portail QF ne vous demandera jamais vos identifiants ou votre mot de passe par courriel, par SMS ou par
        téléphone. Si vous recevez un tel message, ne répondez pas et signalez-le sur{" "}
        <ExternalLink href="https://www.cybermalveillance.gouv.fr">cybermalveillance.gouv.fr</ExternalLink>.
      </p>
    </ContentPage>
  );
}
