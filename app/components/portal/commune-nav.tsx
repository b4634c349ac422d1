import { NavLink } from "@remix-run/react";

export interface CommuneNavProps {
  siret: string;
  isAdmin: boolean;
}

interface NavItem {
  to: string;
  label: string;
  end: boolean;
}

/**
 * The commune space's sections: the daily work for every agent, then the administrator's
 * settings on a line of their own, so neither list grows past what one reads at a glance.
 * NavLink marks the current one with aria-current="page", which the style and screen readers use.
 */
export function CommuneNav({ siret, isAdmin }: CommuneNavProps) {
  const base = `/portail/communes/${siret}`;
  const work: NavItem[] = [
    { to: base, label: "Accueil", end: true },
    { to: `${base}/dossiers`, label: "Dossiers", end: false },
    { to: `${base}/exports`, label: "Exports", end: false },
    { to: `${base}/recherche-qf`, label: "Rechercher un QF", end: false },
    { to: `${base}/campagnes`, label: "Mises à jour des QF", end: false },
    { to: `${base}/tarifs`, label: "Tarifs", end: false },
    { to: `${base}/statistiques`, label: "Statistiques", end: false },
  ];
  const administration: NavItem[] = [
    { to: `${base}/agents`, label: "Agents", end: false },
    { to: `${base}/parametres`, label: "Paramètres", end: false },
    { to: `${base}/tranches`, label: "Tranches de QF", end: false },
    { to: `${base}/donnees`, label: "Conservation des données", end: false },
    { to: `${base}/webhooks`, label: "Webhooks", end: false },
    { to: `${base}/journal`, label: "Journal", end: false },
  ];
  return (
    <nav aria-label="Espace de la commune">
      <NavList items={work} />
      {isAdmin ? (
        <>
          <p className="fr-text--sm fr-text--bold fr-mb-1v" id="commune-nav-administration">
            Administration
          </p>
          <NavList items={administration} labelledBy="commune-nav-administration" />
        </>
      ) : null}
    </nav>
  );
}

function NavList({ items, labelledBy }: { items: NavItem[]; labelledBy?: string }) {
  return (
    <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm" aria-labelledby={labelledBy}>
      {items.map((item) => (
        <li key={item.to}>
          <NavLink
            to={item.to}
            end={item.end}
            className={({ isActive }) =>
              `fr-btn fr-btn--sm ${isActive ? "fr-btn--secondary" : "fr-btn--tertiary-no-outline"}`
            }
          >
            {item.label}
          </NavLink>
        </li>
      ))}
    </ul>
  );
}
