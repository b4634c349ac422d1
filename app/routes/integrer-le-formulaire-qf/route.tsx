import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CodeBlock } from "~/components/code-block";
import { HOME_CRUMB } from "~/components/home-crumb";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { Table } from "~/components/dsfr/table";
import { getConfig } from "~/config.server";
import { exampleFormulaireQfJsonPretty } from "~/editor-kit/example-files.server";
import { FORMULAIRE_QF_SCHEMA_PATH, FORMULAIRE_QF_XML_DESCRIPTION_PATH } from "~/editor-kit/paths";
import {
  deepLinkHtml,
  HUBEE_LOOP,
  HUBEE_NOTIFICATION,
  HUBEE_POLL,
  HUBEE_TOKEN,
  publicApiExample,
  STATUS_EVENT,
  WEBHOOK_VERIFY,
} from "./code-samples";
import { PageSummary } from "./page-summary";

export const meta: MetaFunction = () => [{ title: "Intégrer le formulaire QF - Portail QF" }];

export const handle: BreadcrumbHandle = { breadcrumb: () => [HOME_CRUMB, { label: "Intégrer le formulaire QF" }] };

/** Examples carry the real public address, so they can be pasted as they are. */
export function loader(_: LoaderFunctionArgs) {
  return {
    appUrl: getConfig().APP_URL.replace(/\/$/, ""),
    exampleJson: exampleFormulaireQfJsonPretty(),
  };
}

const STATUSES: Array<[string, string]> = [
  ["SI_RECEIVED", "Le logiciel a téléchargé et enregistré le dossier. À envoyer dès la réception."],
  ["IN_PROGRESS", "Un agent a pris le dossier en charge."],
  ["DONE", "Le quotient familial est pris en compte. Statut final : le dossier est ensuite clos."],
  ["REFUSED", "La commune ne peut pas utiliser ce dossier (après IN_PROGRESS). Statut final."],
  [
    "SI_INTG_ERROR",
    "Le logiciel n’a pas pu intégrer le dossier (fichier illisible, empreinte fausse). Le message dit pourquoi, sans donnée personnelle.",
  ],
];

const WEBHOOK_EVENTS: Array<[string, string]> = [
  ["dossier.recu", "Un dossier est arrivé dans le portail de la commune."],
  ["qf.mis_a_jour", "Le quotient familial d’une famille a changé (transmission ou mise à jour annuelle)."],
  [
    "campagne.terminee",
    "Une campagne de mise à jour des QF est terminée ou arrêtée (champs statut et motif_arret), avec ses totaux.",
  ],
];

export default function IntegrateFormulaireQf() {
  const { appUrl, exampleJson } = useLoaderData<typeof loader>();
  return (
    // Wider than the legal pages' column: the code examples need the room.
    <div className="fr-container fr-mb-8w">
      <RouteBreadcrumb />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-lg-10 qf-prose">
          <h1>Intégrer le formulaire QF</h1>
          <p className="fr-text--lead">
            Cette page s’adresse aux éditeurs des logiciels des communes (enfance, petite enfance, périscolaire) :
            comment recevoir les quotients familiaux transmis par les familles, et comment relier votre portail famille
            au service.
          </p>
          <PageSummary />

          <h2 id="recevoir">Recevoir les dossiers par HubEE</h2>
          <p>
            Chaque transmission d’une famille devient un dossier HubEE de la démarche <code>FormulaireQF</code>, adressé
            à la commune (SIRET et code COG). Votre logiciel le reçoit comme un « SI » (système d’information
            destinataire), avec les identifiants que la commune obtient en s’abonnant à la démarche sur HubEE. Un
            éditeur qui travaille pour plusieurs communes détient les identifiants SI de chacune.
          </p>
          <p>Obtenir un jeton (valable une heure) :</p>
          <CodeBlock label="Exemple : obtenir un jeton HubEE" code={HUBEE_TOKEN} />
          <p>
            HubEE n’envoie rien de lui-même : votre logiciel relève régulièrement les notifications de la commune, avec{" "}
            <code>eventDetails=true</code>, page après page jusqu’à en recevoir moins de 25 :
          </p>
          <CodeBlock label="Exemple : relever les notifications" code={HUBEE_POLL} />
          <CodeBlock label="Exemple : une notification de nouveau dossier" code={HUBEE_NOTIFICATION} />
          <p>
            Une notification dont <code>eventId</code> est <code>null</code> annonce un nouveau dossier ; sinon elle
            annonce un événement sur un dossier déjà reçu. La boucle complète :
          </p>
          <CodeBlock label="Exemple : boucle de relève des dossiers" code={HUBEE_LOOP} />

          <h2 id="statuts">Renvoyer les statuts</h2>
          <p>
            La famille suit son dossier grâce aux statuts que votre logiciel renvoie. Chaque statut est un événement{" "}
            <code>STATUS_UPDATE</code> suivi de la mise à jour du dossier :
          </p>
          <Table
            caption="Statuts à renvoyer à HubEE"
            rowHeaders
            headers={["Statut", "Quand l’envoyer"]}
            rows={STATUSES.map(([status, when]) => ({ key: status, cells: [<code key="s">{status}</code>, when] }))}
          />
          <p>
            L’ordre est imposé par HubEE : <code>SI_RECEIVED</code> → <code>IN_PROGRESS</code> → <code>DONE</code> ou{" "}
            <code>REFUSED</code>. Un refus n’est possible qu’après la prise en charge.
          </p>
          <CodeBlock label="Exemple : déclarer un dossier traité" code={STATUS_EVENT} />

          <h2 id="contenu">Le contenu d’un dossier</h2>
          <p>Chaque dossier porte trois pièces jointes, qui disent la même chose :</p>
          <ul>
            <li>
              <code>FormulaireQF.json</code>, à lire en priorité : son format est décrit par le{" "}
              <a href={FORMULAIRE_QF_SCHEMA_PATH}>schéma JSON de FormulaireQF.json</a> (JSON Schema draft-07, avec des
              exemples) ;
            </li>
            <li>
              <code>FormulaireQF.xml</code>, le même contenu en XML :{" "}
              <Link to={FORMULAIRE_QF_XML_DESCRIPTION_PATH}>description de FormulaireQF.xml</Link> ;
            </li>
            <li>un PDF lisible par les agents, nommé d’après la personne.</li>
          </ul>
          <p>
            Le bloc <code>quotient_familial_v3</code> reprend les données d’API Particulier v3 ; le bloc{" "}
            <code>quotient_familial</code> est l’ancien format v2, gardé pour les intégrations existantes. Lisez le bloc
            v3 s’il est présent, sinon le bloc v2, et ignorez les clés que vous ne connaissez pas : le format peut
            s’enrichir. Les dates peuvent être présumées (<code>2016-00-00</code> : jour et mois inconnus).
          </p>
          <CodeBlock label="Exemple : FormulaireQF.json (mis en forme)" code={exampleJson} />
          <p>
            Fichiers d’exemple tels qu’ils sont envoyés :{" "}
            <a href="/integration/exemples/FormulaireQF.json" download>
              FormulaireQF.json
            </a>{" "}
            et{" "}
            <a href="/integration/exemples/FormulaireQF.xml" download>
              FormulaireQF.xml
            </a>
            . Ils décrivent une personne de test de FranceConnect : personne réelle n’y figure.
          </p>

          <h2 id="lien">Le lien depuis votre portail famille</h2>
          <p>
            Votre portail famille peut envoyer la famille directement au service, avec le numéro de son dossier chez
            vous :
          </p>
          <CodeBlock label="Exemple : lien profond vers le service" code={deepLinkHtml(appUrl)} />
          <ul>
            <li>
              <code>external_id</code> (facultatif) : votre numéro de dossier, jusqu’à 255 caractères imprimables
              (espaces, <code># = &amp; % ?</code> compris, encodés dans l’URL). Il est normalisé en Unicode NFC,
              débarrassé des caractères de contrôle, montré à la famille avant son accord et revient dans les trois
              pièces jointes (<code>external_id</code>, échappé en JSON et en XML). Au-delà de 255 caractères, la
              famille en est avertie avant FranceConnect et peut continuer sans lui.
            </li>
            <li>
              <code>redirect_uri</code> (facultatif) : où renvoyer la famille après la transmission. Elle n’est suivie
              que si son origine (schéma, domaine, port) fait partie des adresses que la commune a enregistrées dans les
              paramètres de son espace du <Link to="/portail">portail des communes</Link>. Une adresse refusée n’arrête
              pas la famille (elle n’a simplement pas de bouton de retour) ; la même page de paramètres liste les
              dernières origines refusées, pour comprendre pourquoi.
            </li>
          </ul>

          <h2 id="api">L’API publique</h2>
          <p>
            La liste des communes qui reçoivent les quotients familiaux par le service, ouverte à tous (CORS) : utile
            pour n’afficher le lien que lorsque la commune est active.
          </p>
          <CodeBlock label="Exemple : une commune par son code COG" code={publicApiExample(appUrl)} />
          <p>
            Description OpenAPI 3 : <a href="/api/openapi.yaml">openapi.yaml</a> et{" "}
            <a href="/api/openapi.json">openapi.json</a>.
          </p>

          <h2 id="webhooks">Les webhooks du portail</h2>
          <p>
            Pour les communes qui utilisent le portail des communes, le portail peut aussi prévenir votre logiciel par
            des requêtes <code>POST</code> signées (JSON), à l’adresse qu’un administrateur de la commune enregistre
            dans la rubrique « Webhooks » de son espace du <Link to="/portail">portail des communes</Link>. Le portail
            génère alors le secret de signature et ne l’affiche qu’une fois : copiez-le dans la configuration de votre
            logiciel. Une rotation garde l’ancien secret valide 24 heures.
          </p>
          <Table
            caption="Événements envoyés"
            rowHeaders
            headers={["Événement", "Quand"]}
            rows={WEBHOOK_EVENTS.map(([event, when]) => ({ key: event, cells: [<code key="e">{event}</code>, when] }))}
          />
          <p>
            Les requêtes suivent le format <a href="https://www.standardwebhooks.com">Standard Webhooks</a> : les
            bibliothèques <code>standardwebhooks</code> (JavaScript, Python, PHP, Java, Go…) les vérifient telles
            quelles avec le secret. Chaque requête porte les en-têtes <code>webhook-id</code> (l’identifiant de
            l’événement, le même d’un nouvel essai à l’autre : il sert à ignorer un doublon),{" "}
            <code>webhook-timestamp</code> (secondes depuis 1970) et <code>webhook-signature: v1,&lt;base64&gt;</code>,
            HMAC-SHA256 de <code>&lt;webhook-id&gt;.&lt;webhook-timestamp&gt;.&lt;corps&gt;</code> avec pour clé le
            secret <code>whsec_…</code> décodé. Vérifiez la signature sur le corps brut, avec une comparaison à temps
            constant, et refusez un horodatage de plus de cinq minutes. Pendant les 24 heures qui suivent une rotation,
            l’en-tête porte deux signatures séparées par une espace : acceptez la requête si l’une d’elles correspond.
          </p>
          <CodeBlock label="Exemple : vérifier un webhook en Node.js" code={WEBHOOK_VERIFY} />
        </div>
      </div>
    </div>
  );
}
