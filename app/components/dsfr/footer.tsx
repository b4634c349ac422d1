import { Link } from "@remix-run/react";
import { LANDMARK_IDS } from "./shared";

// The four State websites every DSFR footer links to (DSFR 1.14 list: gouvernement.fr
// became info.gouv.fr and service-public.fr became service-public.gouv.fr).
const STATE_WEBSITES = ["info.gouv.fr", "service-public.gouv.fr", "legifrance.gouv.fr", "data.gouv.fr"];

// The accessibility compliance status must appear in the footer (RGAA, art. 47 of law 2005-102).
const BOTTOM_LINKS = [
  { label: "Accessibilité : non conforme", to: "/accessibilite" },
  { label: "Mentions légales", to: "/mentions-legales" },
  { label: "Données personnelles", to: "/donnees-personnelles" },
  { label: "Conditions générales d'utilisation", to: "/conditions-generales-d-utilisation" },
  { label: "Questions fréquentes", to: "/faq" },
  { label: "Éditeurs : intégrer le formulaire QF", to: "/integrer-le-formulaire-qf" },
];

/** DSFR "pied de page" with the "bloc marque", the State websites and the mandatory legal links. */
export function Footer() {
  return (
    <footer className="fr-footer" role="contentinfo" id={LANDMARK_IDS.footer}>
      <div className="fr-container">
        <div className="fr-footer__body">
          <div className="fr-footer__brand fr-enlarge-link">
            <Link to="/" title="Retour à l’accueil du site - Portail QF - République Française">
              <p className="fr-logo">
                République
                <br />
                Française
              </p>
            </Link>
          </div>
          <div className="fr-footer__content">
            <p className="fr-footer__content-desc">
              Portail QF permet aux familles de transmettre leur quotient familial à leur commune, avec leur accord,
              pour le calcul des tarifs de la cantine, de la crèche ou des activités de loisirs.
            </p>
            <ul className="fr-footer__content-list">
              {STATE_WEBSITES.map((domain) => (
                <li className="fr-footer__content-item" key={domain}>
                  <a
                    className="fr-footer__content-link"
                    href={`https://${domain}`}
                    target="_blank"
                    rel="noopener noreferrer external"
                    title={`${domain} - nouvelle fenêtre`}
                  >
                    {domain}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        </div>
        <div className="fr-footer__bottom">
          <ul className="fr-footer__bottom-list">
            {BOTTOM_LINKS.map((link) => (
              <li className="fr-footer__bottom-item" key={link.to}>
                <Link className="fr-footer__bottom-link" to={link.to}>
                  {link.label}
                </Link>
              </li>
            ))}
          </ul>
          <div className="fr-footer__bottom-copy">
            <p>
              Sauf mention explicite de propriété intellectuelle détenue par des tiers, les contenus de ce site sont
              proposés sous{" "}
              <a
                href="https://github.com/etalab/licence-ouverte/blob/master/LO.md"
                target="_blank"
                rel="noopener noreferrer external"
                title="Licence etalab - nouvelle fenêtre"
              >
                licence etalab-2.0
              </a>
            </p>
          </div>
        </div>
      </div>
    </footer>
  );
}
