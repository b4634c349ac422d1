import { Link, NavLink, useLocation } from "@remix-run/react";
import { useEffect } from "react";
import { LANDMARK_IDS } from "./shared";

export type HeaderNavigationItem = { label: string; to: string };
/** `iconClass` is one of the DSFR icon button modifiers of the header example, e.g. "fr-btn--team". */
export type HeaderToolLink = { label: string; to: string; iconClass: string };

const SERVICE_TITLE = "Portail QF";
const SERVICE_TAGLINE = "Transmettre son quotient familial à sa commune";
const MENU_MODAL_ID = "en-tete-menu";
const MENU_BUTTON_ID = "en-tete-menu-bouton";

const DEFAULT_TOOL_LINKS: HeaderToolLink[] = [{ label: "Espace agents", to: "/portail", iconClass: "fr-btn--team" }];

type HeaderProps = {
  /** Main navigation; when absent the "Menu" skip link lands on the tool links. */
  navigation?: HeaderNavigationItem[];
  toolLinks?: HeaderToolLink[];
};

/** DSFR "en-tête" with the mandatory "bloc marque", the service name and a mobile menu. */
export function Header({ navigation, toolLinks = DEFAULT_TOOL_LINKS }: HeaderProps) {
  const hasNavigation = navigation !== undefined && navigation.length > 0;
  useCloseMenuOnNavigation();
  return (
    <header role="banner" className="fr-header">
      <div className="fr-header__body">
        <div className="fr-container">
          <div className="fr-header__body-row">
            <div className="fr-header__brand fr-enlarge-link">
              <div className="fr-header__brand-top">
                <div className="fr-header__logo">
                  <p className="fr-logo">
                    République
                    <br />
                    Française
                  </p>
                </div>
                <div className="fr-header__navbar">
                  <button
                    type="button"
                    className="fr-btn--menu fr-btn"
                    data-fr-opened="false"
                    aria-controls={MENU_MODAL_ID}
                    id={MENU_BUTTON_ID}
                    title="Menu"
                  >
                    Menu
                  </button>
                </div>
              </div>
              <div className="fr-header__service">
                <Link to="/" title={`Accueil - ${SERVICE_TITLE} - République Française`}>
                  <p className="fr-header__service-title">{SERVICE_TITLE}</p>
                </Link>
                <p className="fr-header__service-tagline">{SERVICE_TAGLINE}</p>
              </div>
            </div>
            <div className="fr-header__tools">
              <div className="fr-header__tools-links" id={hasNavigation ? undefined : LANDMARK_IDS.menu}>
                <ToolLinks links={toolLinks} />
              </div>
            </div>
          </div>
        </div>
      </div>
      <div className="fr-header__menu fr-modal" id={MENU_MODAL_ID} aria-labelledby={MENU_BUTTON_ID}>
        <div className="fr-container">
          <button type="button" className="fr-btn--close fr-btn" aria-controls={MENU_MODAL_ID} title="Fermer">
            Fermer
          </button>
          {/* DSFR copies the tool links here on its own unless they are already identical:
              rendering them ourselves keeps it from rewriting DOM that React hydrates. */}
          <div className="fr-header__menu-links">
            <ToolLinks links={toolLinks} />
          </div>
          {hasNavigation ? (
            <nav className="fr-nav" id={LANDMARK_IDS.menu} role="navigation" aria-label="Menu principal">
              <ul className="fr-nav__list">
                {navigation.map((item) => (
                  <li className="fr-nav__item" key={item.to}>
                    {/* NavLink sets aria-current="page", which DSFR uses to mark the active entry. */}
                    <NavLink className="fr-nav__link" to={item.to} end>
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
        </div>
      </div>
    </header>
  );
}

function ToolLinks({ links }: { links: HeaderToolLink[] }) {
  return (
    <ul className="fr-btns-group">
      {links.map((link) => (
        <li key={link.to}>
          <Link className={`${link.iconClass} fr-btn`} to={link.to}>
            {link.label}
          </Link>
        </li>
      ))}
    </ul>
  );
}

type DsfrApi = (node: Element) => { modal?: { isDisclosed: boolean; conceal: () => void } } | null;

/** Client-side navigation keeps the page, so the open mobile menu (a DSFR modal) must be closed by hand. */
function useCloseMenuOnNavigation() {
  const { pathname } = useLocation();
  useEffect(() => {
    const dsfr = (window as unknown as { dsfr?: DsfrApi }).dsfr;
    const menu = document.getElementById(MENU_MODAL_ID);
    if (typeof dsfr !== "function" || !menu) return;
    // null until the DSFR script has initialised the element (e.g. right after hydration).
    const modal = dsfr(menu)?.modal;
    if (modal?.isDisclosed) modal.conceal();
  }, [pathname]);
}
