import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { ContentPage, contentPageHandle } from "~/components/content-page";
import { ExternalLink } from "~/components/dsfr/external-link";
import { OPERATOR } from "~/content/operator";

const TITLE = "Déclaration d'accessibilité";

export const meta: MetaFunction = () => [{ title: "Déclaration d'accessibilité - Portail QF" }];

export const handle = contentPageHandle(TITLE);

// Structure and wording follow the RGAA 4.1 model declaration; the status must match the footer.
export default function AccessibilityStatement() {
  return (
    <ContentPage title={TITLE}>
      <p>
        La {OPERATOR.name} ({OPERATOR.shortName}) s’engage à rendre ses services numériques accessibles, conformément à
        l’article 47 de la loi n° 2005-102 du 11 février 2005.
      </p>
      <p>Cette déclaration d’accessibilité s’applique au service Portail QF.</p>

      <h2>État de conformité</h2>
      <p>
        Portail QF est <strong>non conforme</strong> avec le référentiel général d’amélioration de l’accessibilité
        (RGAA), version 4.1. Le service n’a encore fait l’objet d’aucun audit.
      </p>

      <h2>Résultats des tests</h2>
      <p>
        Aucun audit de conformité n’a été réalisé à ce jour. Nous ne pouvons donc pas indiquer de taux de conformité.
      </p>

      <h2>Contenus non accessibles</h2>
      <p>
        Sans audit, nous ne connaissons pas encore la liste complète des contenus non accessibles. Le service utilise le
        Système de design de l’État (DSFR), dont les composants sont conçus pour être accessibles, mais cela ne garantit
        pas la conformité de l’ensemble du service.
      </p>
      <p>
        Les pages de connexion de FranceConnect et de ProConnect ne font pas partie de Portail QF : elles ont leur
        propre déclaration d’accessibilité.
      </p>
      <p>
        Si vous ne pouvez pas utiliser ce service, vous pouvez transmettre votre quotient familial autrement : voir{" "}
        <Link to="/sans-france-connect">comment faire sans FranceConnect</Link>.
      </p>

      <h2>Établissement de cette déclaration d’accessibilité</h2>
      <p>Cette déclaration a été établie le 26 novembre 2026.</p>
      <h3>Technologies utilisées pour la réalisation du service</h3>
      <ul>
        <li>HTML5</li>
        <li>CSS</li>
        <li>JavaScript</li>
      </ul>

      <h2>Retour d’information et contact</h2>
      <p>
        Si vous n’arrivez pas à accéder à un contenu ou à un service, vous pouvez nous contacter pour être orienté vers
        une alternative accessible ou obtenir le contenu sous une autre forme :
      </p>
      <ul>
        <li>
          par courriel : <a href={`mailto:${OPERATOR.contactEmail}`}>{OPERATOR.contactEmail}</a> ;
        </li>
        <li>
          par courrier : {OPERATOR.name} – Portail QF, {OPERATOR.postalAddress}.
        </li>
      </ul>
      <p>Nous essayons de répondre dans les 2 jours ouvrés.</p>

      <h2>Voies de recours</h2>
      <p>
        Cette procédure est à utiliser si vous avez signalé un défaut d’accessibilité qui vous empêche d’accéder à un
        contenu ou à un service, et que vous n’avez pas obtenu de réponse satisfaisante.
      </p>
      <p>Vous pouvez :</p>
      <ul>
        <li>
          écrire un message au{" "}
          <ExternalLink href="https://formulaire.defenseurdesdroits.fr/">Défenseur des droits</ExternalLink> ;
        </li>
        <li>
          contacter{" "}
          <ExternalLink href="https://www.defenseurdesdroits.fr/saisir/delegues">
            le délégué du Défenseur des droits dans votre région
          </ExternalLink>{" "}
          ;
        </li>
        <li>
          envoyer un courrier par la poste (gratuit, ne pas mettre de timbre) : Défenseur des droits, Libre réponse
          71120, 75342 Paris CEDEX 07.
        </li>
      </ul>
    </ContentPage>
  );
}
