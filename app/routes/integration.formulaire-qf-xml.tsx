import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CodeBlock } from "~/components/code-block";
import { Table } from "~/components/dsfr/table";
import { HOME_CRUMB } from "~/components/home-crumb";
import { RouteBreadcrumb, type BreadcrumbHandle } from "~/components/route-breadcrumb";
import { exampleFormulaireQfXml } from "~/editor-kit/example-files.server";
import { FORMULAIRE_QF_SCHEMA_PATH, INTEGRATION_PAGE_PATH } from "~/editor-kit/paths";

export const meta: MetaFunction = () => [{ title: "Description de FormulaireQF.xml - Portail QF" }];

export const handle: BreadcrumbHandle = {
  breadcrumb: () => [
    HOME_CRUMB,
    { label: "Intégrer le formulaire QF", to: INTEGRATION_PAGE_PATH },
    { label: "Description de FormulaireQF.xml" },
  ],
};

/** The example is built by the code that builds the files we send: it cannot drift from them. */
export function loader() {
  return { exampleXml: exampleFormulaireQfXml().toString("utf8") };
}

/** How each JSON construct of FormulaireQF.json is written in FormulaireQF.xml (Rails' Hash#to_xml dialect). */
const RULES: Array<[string, string, string]> = [
  ["Le document", "un objet JSON", '<hash>…</hash>, précédé de <?xml version="1.0" encoding="UTF-8"?>'],
  ["Nom de clé avec _", "external_id, pivot_identity", "<external-id>, <pivot-identity> (les _ deviennent des -)"],
  ["Nom de clé en camelCase", "quotientFamilial, nomNaissance", "<quotientFamilial>, <nomNaissance> (inchangé)"],
  ["Valeur null", '"external_id": null', '<external-id nil="true"/>'],
  ["Clé absente", "pas de clé adresse", "pas d’élément <adresse>"],
  ["Chaîne", '"birthcountry": "99100"', "<birthcountry>99100</birthcountry> (sans attribut type)"],
  ["Chaîne vide", '"birthplace": ""', "<birthplace></birthplace> ou <birthplace/>"],
  ["Entier", '"valeur": 2550', '<valeur type="integer">2550</valeur>'],
  [
    "Tableau",
    '"allocataires": [ … ]',
    '<allocataires type="array"><allocataire>…</allocataire></allocataires> (au singulier : allocataire, enfant)',
  ],
  ["Objet", '"quotient_familial": { … }', "<quotient-familial>…</quotient-familial>"],
];

export default function FormulaireQfXml() {
  const { exampleXml } = useLoaderData<typeof loader>();
  return (
    <div className="fr-container fr-mb-8w">
      <RouteBreadcrumb />
      <div className="fr-grid-row">
        <div className="fr-col-12 fr-col-lg-10 qf-prose">
          <h1>Description de FormulaireQF.xml</h1>
          <p className="fr-text--lead">
            <code>FormulaireQF.xml</code> contient exactement les données de <code>FormulaireQF.json</code>, dans le
            même ordre, écrites dans le dialecte XML du formulaire QF national (celui de <code>Hash#to_xml</code> de
            Ruby on Rails) que les logiciels des communes lisent déjà.
          </p>
          <p>
            Les champs, leurs formats et leurs valeurs possibles sont ceux du{" "}
            <a href={FORMULAIRE_QF_SCHEMA_PATH}>schéma JSON de FormulaireQF.json</a> ; cette page dit seulement comment
            chaque construction JSON s’écrit en XML. Le fichier est en UTF-8, indenté de deux espaces.
          </p>
          <Table
            caption="Correspondance entre FormulaireQF.json et FormulaireQF.xml"
            rowHeaders
            headers={["Construction", "En JSON", "En XML"]}
            rows={RULES.map(([what, json, xml]) => ({
              key: what,
              cells: [what, <code key="j">{json}</code>, <code key="x">{xml}</code>],
            }))}
          />
          <h2>Conseils de lecture</h2>
          <ul>
            <li>
              Lisez les types d’après l’attribut <code>type</code> (<code>integer</code>, <code>array</code>) et les
              valeurs nulles d’après <code>nil=&quot;true&quot;</code> : un élément vide sans <code>nil</code> est une
              chaîne vide.
            </li>
            <li>
              Les caractères <code>&amp;</code>, <code>&lt;</code> et <code>&gt;</code> des valeurs sont échappés ; les
              caractères interdits en XML 1.0 (caractères de contrôle) sont retirés.
            </li>
            <li>Ignorez les éléments que vous ne connaissez pas : le format peut s’enrichir.</li>
            <li>
              Préférez <code>FormulaireQF.json</code> si votre logiciel le permet : c’est le fichier décrit par le
              schéma.
            </li>
          </ul>
          <h2>Exemple complet</h2>
          <p>
            Le fichier envoyé pour une personne de test de FranceConnect (aussi{" "}
            <a href="/integration/exemples/FormulaireQF.xml" download>
              à télécharger
            </a>
            ) :
          </p>
          <CodeBlock label="Exemple : FormulaireQF.xml" code={exampleXml} />
          <p>
            <Link to={INTEGRATION_PAGE_PATH}>Retour à l’intégration du formulaire QF</Link>
          </p>
        </div>
      </div>
    </div>
  );
}
