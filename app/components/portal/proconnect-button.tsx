/**
 * The ProConnect button, as ProConnect's guidelines ask DSFR services to draw
 * it: the DSFR "bouton FranceConnect" with "ProConnect" as the brand, and the
 * "Qu'est-ce que ProConnect ?" link. A plain POST form (a full navigation to
 * ProConnect), so it also works without JavaScript.
 */
export function ProConnectButton({ action, redirectTo }: { action: string; redirectTo?: string | null }) {
  return (
    <div className="fr-connect-group">
      <form method="post" action={action}>
        {redirectTo ? <input type="hidden" name="redirectTo" value={redirectTo} /> : null}
        <button type="submit" className="fr-connect">
          <span className="fr-connect__login">S’identifier avec</span>{" "}
          <span className="fr-connect__brand">ProConnect</span>
        </button>
      </form>
      <p>
        <a
          href="https://www.proconnect.gouv.fr/"
          target="_blank"
          rel="noopener noreferrer"
          title="Qu’est-ce que ProConnect ? - nouvelle fenêtre"
        >
          Qu’est-ce que ProConnect ?
        </a>
      </p>
    </div>
  );
}
