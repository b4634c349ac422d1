import type { MetaFunction } from "@remix-run/node";
import { Link } from "@remix-run/react";
import { ContentPage, contentPageHandle } from "~/components/content-page";
import { OPERATOR } from "~/content/operator";
import {
  CITIZEN_PAYLOAD_RETENTION_DAYS,
  FAMILY_FILE_RETENTION_DEFAULT_YEARS,
  FAMILY_FILE_RETENTION_MAX_YEARS,
  FAMILY_FILE_RETENTION_MIN_YEARS,
  formatYears,
} from "~/retention-periods";

const TITLE = "Questions fréquentes";

export const meta: MetaFunction = () => [{ title: "Questions fréquentes - Portail QF" }];

export const handle = contentPageHandle(TITLE);

/**
 * The questions citizens and agents ask, as the national form's FAQ answered them, with our
 * periods read from the code (retention-periods.ts) so the page never contradicts what we do.
 * Plain headings rather than an accordion: everything reads without JavaScript, and a search in
 * the page finds every answer.
 */
export default function Faq() {
  return (
    <ContentPage
      title={TITLE}
      lead="Ce que le service transmet, à qui, combien de temps, et que faire quand quelque chose ne va pas."
    >
      <h2>Pour les familles</h2>

      <h3>Que transmet Portail QF à ma commune ?</h3>
      <p>
        Votre identité de naissance (nom, prénoms, sexe, date et lieu de naissance) telle que FranceConnect la connaît,
        et ce que la CAF ou la MSA sait de votre foyer : votre quotient familial et le mois pour lequel il est calculé,
        les allocataires, les enfants et l’adresse. Vous voyez tout cela avant de donner votre accord, et rien n’est
        transmis sans lui.
      </p>

      <h3>Combien de temps mes données sont-elles conservées ?</h3>
      <p>
        Portail QF garde ce qu’il transmet au plus {CITIZEN_PAYLOAD_RETENTION_DAYS} jours, le temps de le remettre à la
        commune, puis l’efface. Votre commune conserve votre dossier {formatYears(FAMILY_FILE_RETENTION_DEFAULT_YEARS)}{" "}
        par défaut (entre {formatYears(FAMILY_FILE_RETENTION_MIN_YEARS)} et{" "}
        {formatYears(FAMILY_FILE_RETENTION_MAX_YEARS)} selon son choix). Le détail est sur la page{" "}
        <Link to="/donnees-personnelles">Données personnelles</Link>.
      </p>

      <h3>Mon quotient familial est faux ou n’est pas à jour. Que faire ?</h3>
      <p>
        Portail QF transmet le quotient calculé par votre caisse, sans le modifier. S’il ne correspond pas à votre
        situation, signalez le changement à votre CAF ou à votre MSA (sur leur site, rubrique « Mon compte »). Une fois
        le quotient recalculé, refaites la démarche : votre commune recevra le nouveau.
      </p>

      <h3>Le service ne trouve pas mon quotient familial.</h3>
      <p>
        Cela arrive quand vous n’êtes pas allocataire, ou quand votre identité à la caisse diffère de celle de
        FranceConnect (un nom d’usage, un prénom manquant). Donnez alors votre attestation de quotient familial à votre
        mairie : la page <Link to="/sans-france-connect">Sans FranceConnect</Link> explique comment l’obtenir.
      </p>

      <h3>Je n’ai pas FranceConnect, ou je ne veux pas l’utiliser.</h3>
      <p>
        Le service est facultatif. Votre mairie accepte toujours l’attestation de la CAF ou de la MSA : voir{" "}
        <Link to="/sans-france-connect">Sans FranceConnect</Link>.
      </p>

      <h3>Ma commune n’est pas dans la liste.</h3>
      <p>
        Seules les communes qui ont adhéré au service y figurent. Renseignez-vous auprès de votre mairie : elle vous
        dira comment lui donner votre quotient familial.
      </p>

      <h3>Comment savoir si ma commune a bien reçu mon quotient ?</h3>
      <p>
        La page de confirmation le dit à la fin de la démarche, avec un numéro de référence. Gardez-le : votre mairie le
        retrouve dans les dossiers qu’elle a reçus.
      </p>

      <h2>Pour les communes</h2>

      <h3>Que voit la commune ?</h3>
      <p>
        Les dossiers que les familles lui ont transmis, et eux seulement : l’identité de naissance, le quotient
        familial, la composition du foyer et l’adresse. Une commune équipée d’un logiciel les reçoit dans ce logiciel
        par HubEE ; les autres les consultent dans l’espace agents de Portail QF, avec ProConnect.
      </p>

      <h3>Comment une commune adhère-t-elle au service ?</h3>
      <p>
        Par une demande d’habilitation sur DataPass. Une fois la demande validée, la commune apparaît dans la liste et
        la personne qui a fait la demande reçoit un accès à l’espace agents. Les conditions sont celles de la page{" "}
        <Link to="/conditions-generales-d-utilisation-administrations">CGU des administrations</Link>.
      </p>

      <h3>Un agent peut-il voir les dossiers d’une autre commune ?</h3>
      <p>
        Non. Chaque agent n’accède qu’aux communes où il a été habilité, et chaque consultation d’un dossier est
        inscrite au journal de la commune.
      </p>

      <h2>Une autre question ?</h2>
      <p>
        Écrivez à <a href={`mailto:${OPERATOR.contactEmail}`}>{OPERATOR.contactEmail}</a>. Pour vos données
        personnelles, à <a href={`mailto:${OPERATOR.dataProtectionEmail}`}>{OPERATOR.dataProtectionEmail}</a>.
      </p>
    </ContentPage>
  );
}
