import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { ButtonLink, ButtonsGroup } from "~/components/dsfr/button";
import { Callout } from "~/components/dsfr/callout";

export const meta: MetaFunction = () => [{ title: "Accueil - Portail QF" }];

// Written for families on a phone: short sentences, everyday words, one idea per line.
export default function Home() {
  return (
    <div className="fr-container fr-my-6w">
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-md-10 fr-col-lg-8 qf-prose">
          <h1>Transmettez votre quotient familial à votre commune</h1>
          <p className="fr-text--lead">
            Votre commune utilise votre quotient familial pour calculer le prix de la cantine, de la crèche ou du centre
            de loisirs. Ce service le lui envoie pour vous, sans papier à fournir.
          </p>
          <ButtonsGroup inline="sm" className="fr-mb-6w">
            <li>
              <ButtonLink to="/collectivites">Commencer</ButtonLink>
            </li>
            <li>
              <ButtonLink to="/sans-france-connect" priority="secondary">
                Je n&apos;ai pas de compte FranceConnect
              </ButtonLink>
            </li>
          </ButtonsGroup>

          <h2>Comment ça marche&nbsp;?</h2>
          <ol className="fr-mb-6w">
            <li>
              <strong>Choisissez votre commune.</strong> Elle doit proposer ce service.
            </li>
            <li>
              <strong>Connectez-vous avec FranceConnect.</strong> Nous récupérons votre quotient familial auprès de la
              CAF ou de la MSA.
            </li>
            <li>
              <strong>Vérifiez et donnez votre accord.</strong> Vos informations sont alors envoyées à votre commune.
            </li>
          </ol>

          <h2>Ce qui est envoyé à votre commune</h2>
          <ul>
            <li>votre quotient familial ;</li>
            <li>la composition de votre famille : les allocataires et les enfants ;</li>
            <li>votre adresse ;</li>
            <li>votre identité de naissance : nom, prénoms, sexe, date et lieu de naissance.</li>
          </ul>
          <p className="fr-mb-6w">
            Ces informations vont <strong>uniquement à la commune que vous choisissez</strong>. Personne d&apos;autre ne
            les reçoit. <Link to="/donnees-personnelles">En savoir plus sur vos données personnelles</Link>
          </p>

          <h2>Combien de temps ça prend&nbsp;?</h2>
          <p className="fr-mb-6w">
            Quelques minutes pour vous. Ensuite, votre commune traite votre dossier en quelques jours.
          </p>

          <h2>Ce service n&apos;est pas obligatoire</h2>
          <Callout
            titleAs="h3"
            title={"Vous préférez faire autrement\u00a0?"}
            text="Vous pouvez aussi donner votre attestation de quotient familial de la CAF ou de la MSA à votre mairie, par e-mail ou sur place."
          >
            <ButtonLink to="/sans-france-connect" priority="secondary">
              Voir comment faire sans FranceConnect
            </ButtonLink>
          </Callout>
        </div>
      </div>
    </div>
  );
}
