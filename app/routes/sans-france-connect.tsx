import type { MetaFunction } from "@remix-run/node";
import { ContentPage, contentPageHandle } from "~/components/content-page";
import { ButtonLink, ButtonsGroup } from "~/components/dsfr/button";
import { ExternalLink } from "~/components/dsfr/external-link";

const TITLE = "Sans FranceConnect";

export const meta: MetaFunction = () => [{ title: "Sans FranceConnect - Portail QF" }];

export const handle = contentPageHandle(TITLE);

export default function WithoutFranceConnect() {
  return (
    <ContentPage
      title={TITLE}
      lead="FranceConnect n’est pas obligatoire. Vous pouvez donner votre quotient familial à votre commune autrement."
    >
      <h2>Donnez votre attestation à votre mairie</h2>
      <ol>
        <li>
          Téléchargez votre attestation de quotient familial sur le site de la CAF ou de la MSA (voir ci-dessous).
        </li>
        <li>Envoyez-la à votre mairie par e-mail, ou apportez-la sur place, imprimée ou sur votre téléphone.</li>
      </ol>
      <p>Votre mairie vous dira si elle a besoin d’autres documents.</p>

      <h2>Télécharger l’attestation de la CAF</h2>
      <ol>
        <li>
          Connectez-vous à « Mon Compte » sur <ExternalLink href="https://www.caf.fr">caf.fr</ExternalLink>, ou dans
          l’application « Caf – Mon Compte ».
        </li>
        <li>Allez dans la partie « Attestations ».</li>
        <li>Choisissez l’attestation de quotient familial et téléchargez-la.</li>
      </ol>
      <p>Vous pouvez aussi appeler votre Caf au 3230 (service gratuit + prix de l’appel).</p>

      <h2>Télécharger l’attestation de la MSA</h2>
      <ol>
        <li>
          Connectez-vous à votre espace privé sur <ExternalLink href="https://www.msa.fr">msa.fr</ExternalLink>.
        </li>
        <li>Dans vos services en ligne, demandez l’attestation de quotient familial et téléchargez-la.</li>
      </ol>
      <p>Sans accès à internet, votre caisse de MSA peut vous l’envoyer.</p>

      <h2>Vous ne recevez pas d’aide de la CAF ou de la MSA&nbsp;?</h2>
      <p>
        Vous n’avez pas d’attestation de quotient familial. Demandez à votre mairie quels documents fournir : souvent,
        votre dernier avis d’impôt sur le revenu.
      </p>

      <h2>Vous avez peut-être déjà FranceConnect</h2>
      <p>
        Pas besoin de créer un compte : FranceConnect utilise un compte que vous avez peut-être déjà, par exemple sur
        impots.gouv.fr, ameli.fr, l’Identité Numérique La Poste, la MSA ou France Identité.{" "}
        <ExternalLink href="https://franceconnect.gouv.fr">En savoir plus sur FranceConnect</ExternalLink>
      </p>
      <ButtonsGroup inline="sm" className="fr-mt-4w">
        <li>
          <ButtonLink to="/collectivites">Utiliser FranceConnect</ButtonLink>
        </li>
        <li>
          <ButtonLink to="/" priority="secondary">
            Revenir à l’accueil
          </ButtonLink>
        </li>
      </ButtonsGroup>
    </ContentPage>
  );
}
