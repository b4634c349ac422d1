import type { MetaFunction } from "@remix-run/node";
import { ContentPage, contentPageHandle } from "~/components/content-page";
import { ExternalLink } from "~/components/dsfr/external-link";
import { Table } from "~/components/dsfr/table";
import { OPERATOR } from "~/content/operator";
import {
  AGENT_SESSION_IDLE_MINUTES,
  AGENT_SESSION_MAX_HOURS,
  CITIZEN_HUBEE_IDS_RETENTION_DAYS,
  CITIZEN_PAYLOAD_RETENTION_DAYS,
  EXPORT_FILE_RETENTION_HOURS,
  FAMILY_FILE_RETENTION_DEFAULT_YEARS,
  FAMILY_FILE_RETENTION_MAX_YEARS,
  FAMILY_FILE_RETENTION_MIN_YEARS,
  formatYears,
  JOURNEY_MARKER_HOURS,
  WEBHOOK_EVENT_RETENTION_DAYS,
} from "~/retention-periods";

const TITLE = "Données personnelles";

export const meta: MetaFunction = () => [{ title: "Données personnelles - Portail QF" }];

export const handle = contentPageHandle(TITLE);

// The retention periods come from app/retention-periods.ts, which the jobs enforce too.
export default function PersonalData() {
  return (
    <ContentPage
      title={TITLE}
      lead="Cette page explique quelles informations Portail QF utilise, pourquoi, combien de temps il les garde, et quels sont vos droits."
    >
      <h2>Qui est responsable de vos données&nbsp;?</h2>
      <ul>
        <li>
          <strong>La {OPERATOR.name}</strong> ({OPERATOR.shortName}), opérateur de Portail QF, est responsable de la
          transmission : récupération de votre quotient familial, recueil de votre accord et envoi à la commune.
        </li>
        <li>
          <strong>La commune que vous choisissez</strong> est responsable des données qu’elle reçoit et de leur
          utilisation pour calculer vos tarifs.
        </li>
      </ul>

      <h2>Quelles données sont transmises&nbsp;?</h2>
      <p>Avec votre accord, Portail QF envoie à votre commune :</p>
      <ul>
        <li>
          votre <strong>quotient familial</strong>, le mois pour lequel il a été calculé et l’organisme qui l’a calculé
          (CAF ou MSA) ;
        </li>
        <li>
          les <strong>allocataires</strong> du foyer : nom, prénoms, date de naissance et sexe ;
        </li>
        <li>
          les <strong>enfants</strong> déclarés : nom, prénoms, date de naissance et sexe ;
        </li>
        <li>
          l’<strong>adresse</strong> du foyer connue de la CAF ou de la MSA ;
        </li>
        <li>
          votre <strong>identité pivot</strong>, transmise par FranceConnect : nom de naissance, prénoms, sexe, date et
          lieu de naissance.
        </li>
      </ul>
      <p>
        Pour les agents des communes, Portail QF utilise les informations transmises par ProConnect : nom, prénom et
        adresse électronique professionnelle.
      </p>

      <h2>Pourquoi et sur quelle base légale&nbsp;?</h2>
      <p>
        Ces données permettent à votre commune de calculer le tarif de ses services (restauration scolaire, crèche,
        accueil de loisirs…) sans que vous ayez à fournir de justificatif.
      </p>
      <p>
        Ce traitement est nécessaire à l’exécution d’une mission de service public (article 6.1.e du règlement général
        sur la protection des données, RGPD). Les administrations peuvent échanger les données nécessaires au traitement
        d’une demande (articles L. 114-8 et suivants du code des relations entre le public et l’administration).{" "}
        <strong>Rien n’est envoyé à votre commune sans votre accord</strong>, que vous donnez après avoir vu les
        informations.
      </p>

      <h2>Combien de temps sont-elles gardées, et qui les voit&nbsp;?</h2>
      <h3>Pendant la transmission</h3>
      <ul>
        <li>
          Les données à transmettre sont conservées <strong>chiffrées</strong> dans la base de données de Portail QF,
          pendant <strong>{`${CITIZEN_PAYLOAD_RETENTION_DAYS} jours au plus`}</strong>. Elles sont supprimées de Portail
          QF dès que la commune les a reçues. Personne ne les consulte : seul le programme d’envoi les déchiffre.
        </li>
        <li>
          Les identifiants techniques de l’envoi par HubEE (sans donnée sur votre famille) servent à suivre votre
          dossier ; ils sont supprimés <strong>{`${CITIZEN_HUBEE_IDS_RETENTION_DAYS} jours`}</strong> après le
          traitement final du dossier par la commune.
        </li>
      </ul>

      <h3>Dans l’espace des agents de la commune</h3>
      <p>
        Si votre commune utilise l’espace des agents de Portail QF, votre dossier y est conservé, dans la base de
        données de Portail QF, pour le compte de la commune :
      </p>
      <ul>
        <li>
          un dossier familial qui ne reçoit <strong>aucun nouveau quotient familial</strong> (ni nouvelle transmission,
          ni mise à jour annuelle) pendant <strong>{formatYears(FAMILY_FILE_RETENTION_DEFAULT_YEARS)}</strong> est
          supprimé automatiquement. La commune peut choisir une autre durée, entre{" "}
          {formatYears(FAMILY_FILE_RETENTION_MIN_YEARS)} et {formatYears(FAMILY_FILE_RETENTION_MAX_YEARS)} ;
        </li>
        <li>
          le dossier est supprimé avec tout ce qui s’y rattache : historique des quotients familiaux, pièces jointes,
          statuts, note interne des agents et résultats des mises à jour annuelles ;
        </li>
        <li>
          pour la <strong>mise à jour annuelle</strong>, la commune interroge de nouveau la CAF ou la MSA avec votre
          identité pivot ; l’ancien et le nouveau quotient familial sont gardés avec le dossier, et supprimés avec lui ;
        </li>
        <li>
          si la commune a relié son propre logiciel à Portail QF, les notifications qui lui sont envoyées (nouveau
          dossier, nouveau quotient familial) sont supprimées <strong>{`${WEBHOOK_EVENT_RETENTION_DAYS} jours`}</strong>{" "}
          après leur émission, une fois l’envoi terminé ;
        </li>
        <li>
          les fichiers d’export préparés par Portail QF pour les agents sont supprimés après{" "}
          <strong>{`${EXPORT_FILE_RETENTION_HOURS} heures`}</strong>. Une fois téléchargés, ils sont sous la
          responsabilité de la commune.
        </li>
      </ul>
      <p>
        Seuls les agents de la commune que vous avez choisie, invités par ses administrateurs et connectés avec
        ProConnect, voient votre dossier. Les autres communes n’y ont pas accès, ni les administrateurs de la plateforme
        Portail QF. Seuls les administrateurs de la commune peuvent supprimer un dossier avant la fin de sa durée de
        conservation, par exemple quand vous demandez l’effacement de vos données.
      </p>

      <h3>Le journal des actions</h3>
      <p>
        Chaque consultation, changement de statut, export ou suppression d’un dossier est inscrit dans le journal de la
        commune, que seuls ses administrateurs consultent. Le journal ne contient{" "}
        <strong>aucune donnée personnelle des familles</strong> : seulement des identifiants techniques, des dates et
        des nombres. Il n’est pas effacé : chaque entrée est liée à la précédente, pour qu’aucune ne puisse être
        modifiée ou supprimée sans que cela se voie. Il garde ainsi la trace de la suppression d’un dossier, sans rien
        de son contenu.
      </p>

      <h3>Les agents des communes</h3>
      <p>
        La session d’un agent se termine après <strong>{`${AGENT_SESSION_IDLE_MINUTES} minutes`}</strong> sans activité
        et au plus tard <strong>{`${AGENT_SESSION_MAX_HOURS} heures`}</strong> après sa connexion ; les sessions
        terminées sont supprimées dans l’heure. Le nom, le prénom et l’adresse électronique professionnelle de l’agent,
        transmis par ProConnect, sont gardés avec son compte ; le journal n’en garde que l’identifiant technique.
      </p>

      <h2>Sous-traitants et services utilisés</h2>
      <Table
        caption="Services qui traitent vos données pour Portail QF"
        headers={["Service", "Rôle", "Opéré par"]}
        rowHeaders
        rows={[
          {
            key: "franceconnect",
            cells: ["FranceConnect", "Vous identifie et transmet votre identité pivot", "DINUM"],
          },
          {
            key: "api-particulier",
            cells: ["API Particulier", "Fournit le quotient familial calculé par la CAF ou la MSA", "DINUM"],
          },
          { key: "hubee", cells: ["HubEE", "Achemine les données vers votre commune de façon sécurisée", "DINUM"] },
        ]}
      />

      <h2>Vos droits</h2>
      <p>
        Vous pouvez accéder à vos données, les faire corriger, demander la limitation de leur traitement ou vous y
        opposer. Pour exercer ces droits :
      </p>
      <ul>
        <li>
          pour les données reçues par votre commune : contactez votre mairie ou son délégué à la protection des données
          ;
        </li>
        <li>
          pour la transmission par Portail QF : écrivez à{" "}
          <a href={`mailto:${OPERATOR.dataProtectionEmail}`}>{OPERATOR.dataProtectionEmail}</a>.
        </li>
      </ul>
      <p>
        Si votre quotient familial ou la composition de votre famille sont faux, contactez votre CAF ou votre MSA :
        Portail QF ne peut pas les modifier.
      </p>
      <p>
        Si vous estimez, après nous avoir contactés, que vos droits ne sont pas respectés, vous pouvez adresser une
        réclamation à la <ExternalLink href="https://www.cnil.fr/fr/plaintes">CNIL</ExternalLink> (Commission nationale
        de l’informatique et des libertés, 3 place de Fontenoy, TSA 80715, 75334 Paris Cedex 07).
      </p>

      <h2>Cookies</h2>
      <p>
        Portail QF dépose deux cookies, strictement nécessaires au service, qui ne demandent donc pas votre consentement
        (article 82 de la loi Informatique et Libertés) :
      </p>
      <ul>
        <li>
          un <strong>cookie de session</strong>, qui garde votre connexion et votre démarche en cours ;
        </li>
        <li>
          un cookie qui ne contient rien sur vous et retient seulement, pendant {JOURNEY_MARKER_HOURS} heures, qu’une
          démarche a commencé sur cet appareil : il permet de vous dire si votre session a expiré.
        </li>
      </ul>
      <p>Portail QF n’utilise aucun outil de mesure d’audience et aucun cookie publicitaire.</p>
    </ContentPage>
  );
}
