import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { ContentPage, contentPageHandle } from "~/components/content-page";
import { OPERATOR } from "~/content/operator";

const TITLE = "Conditions générales d'utilisation";

export const meta: MetaFunction = () => [{ title: "Conditions générales d'utilisation - Portail QF" }];

export const handle = contentPageHandle(TITLE);

export default function TermsOfUse() {
  return (
    <ContentPage title={TITLE}>
      <p>
        Les présentes conditions générales d’utilisation (CGU) fixent les règles d’utilisation de Portail QF par les
        usagers et par les agents des communes. Utiliser le service implique de les accepter.
      </p>

      <h2>Article 1 – Objet du service</h2>
      <p>
        Portail QF, édité par la {OPERATOR.name} ({OPERATOR.shortName}), permet à un usager de transmettre à sa commune
        son quotient familial, calculé par la CAF ou la MSA, avec la composition de sa famille, son adresse et son
        identité. La commune s’en sert pour calculer le tarif de ses services : restauration scolaire, crèche, accueil
        de loisirs…
      </p>
      <p>Le service permet aussi aux agents de la commune de consulter et de traiter les dossiers reçus.</p>

      <h2>Article 2 – Accès au service</h2>
      <p>
        Le service est gratuit et facultatif. L’usager qui ne souhaite pas l’utiliser peut donner son attestation de
        quotient familial à sa mairie (voir <Link to="/sans-france-connect">sans FranceConnect</Link>).
      </p>
      <p>
        L’usager se connecte avec FranceConnect. L’agent se connecte avec ProConnect ; il doit avoir été habilité par sa
        commune.
      </p>
      <p>Seules les communes qui ont adhéré au service peuvent être choisies.</p>

      <h2>Article 3 – Fonctionnement</h2>
      <ol>
        <li>L’usager choisit sa commune.</li>
        <li>Il se connecte avec FranceConnect.</li>
        <li>Portail QF obtient son quotient familial auprès de la CAF ou de la MSA, par API Particulier.</li>
        <li>L’usager vérifie les informations et donne son accord.</li>
        <li>Les informations sont envoyées à la commune par HubEE, qui en confirme la bonne réception.</li>
      </ol>
      <p>Sans l’accord de l’usager, aucune information n’est transmise.</p>

      <h2>Article 4 – Engagements de l’usager</h2>
      <p>
        L’usager utilise le service pour son propre foyer, avec son propre compte. Il ne se connecte pas avec le compte
        d’une autre personne.
      </p>

      <h2>Article 5 – Engagements des agents</h2>
      <p>
        L’agent n’utilise les données reçues que pour le calcul des tarifs de sa commune. Il respecte leur
        confidentialité et ne les transmet à personne d’autre. Il protège ses moyens de connexion et signale à sa
        commune tout accès qu’il n’a pas fait lui-même.
      </p>

      <h2>Article 6 – Responsabilités</h2>
      <p>
        Le quotient familial et la composition de la famille sont calculés et fournis par la CAF ou la MSA : Portail QF
        les transmet sans les modifier. La commune reste seule responsable des tarifs qu’elle applique.
      </p>
      <p>
        L’éditeur met en œuvre les moyens nécessaires à la sécurité et à la confidentialité des données transmises. Il
        ne peut être tenu responsable d’une erreur contenue dans les données fournies par la CAF ou la MSA.
      </p>

      <h2>Article 7 – Disponibilité</h2>
      <p>
        L’éditeur s’efforce de rendre le service accessible en permanence. Il peut l’interrompre, notamment pour
        maintenance ou en cas d’incident, sans que cela ouvre droit à indemnité.
      </p>

      <h2>Article 8 – Données personnelles</h2>
      <p>
        Le traitement des données personnelles est décrit sur la page{" "}
        <Link to="/donnees-personnelles">Données personnelles</Link>.
      </p>

      <h2>Article 9 – Évolution des conditions</h2>
      <p>
        Les CGU peuvent évoluer. La version applicable est celle publiée sur cette page au moment de l’utilisation du
        service.
      </p>

      <h2>Article 10 – Droit applicable</h2>
      <p>Les présentes conditions sont soumises au droit français.</p>

      <p className="fr-text--sm fr-mt-4w">Dernière mise à jour : 26 novembre 2026.</p>
    </ContentPage>
  );
}
