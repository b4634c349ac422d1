import { Button } from "~/components/dsfr/button";

export interface AgentBarProps {
  agent: { givenName: string; usualName: string; email: string };
}

/**
 * Who is signed in, and the two ways out. Plain POST forms: logging out goes
 * through ProConnect's session/end, a full navigation.
 */
export function AgentBar({ agent }: AgentBarProps) {
  return (
    <div className="fr-background-alt--grey">
      <div className="fr-container fr-py-1w">
        <div className="fr-grid-row fr-grid-row--middle fr-grid-row--gutters">
          <p className="fr-col fr-mb-0 fr-text--sm">
            <span className="fr-icon-account-circle-line fr-icon--sm fr-mr-1v" aria-hidden="true" />
            Connecté : <strong>{`${agent.givenName} ${agent.usualName}`}</strong> ({agent.email})
          </p>
          <div className="fr-col-auto">
            <ul className="fr-btns-group fr-btns-group--inline fr-btns-group--sm fr-btns-group--icon-left">
              <li>
                <form method="post" action="/portail/deconnexion">
                  <Button type="submit" priority="tertiary" size="sm" icon="fr-icon-logout-box-r-line">
                    Se déconnecter
                  </Button>
                </form>
              </li>
              <li>
                <form method="post" action="/portail/deconnexion">
                  <input type="hidden" name="partout" value="1" />
                  <Button
                    type="submit"
                    priority="tertiary-no-outline"
                    size="sm"
                    title="Ferme aussi les sessions ouvertes sur vos autres appareils"
                  >
                    Se déconnecter partout
                  </Button>
                </form>
              </li>
            </ul>
          </div>
        </div>
      </div>
    </div>
  );
}
