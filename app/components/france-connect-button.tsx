/**
 * The official FranceConnect button (DSFR "bouton FranceConnect") inside a GET
 * form, so it works without JavaScript, and its mandatory explanation link.
 */
export function FranceConnectButton({
  action,
  hiddenFields = {},
}: {
  action: string;
  hiddenFields?: Record<string, string>;
}) {
  return (
    <div className="fr-connect-group">
      <form method="get" action={action}>
        {Object.entries(hiddenFields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        <button type="submit" className="fr-connect">
          <span className="fr-connect__login">S’identifier avec</span>{" "}
          <span className="fr-connect__brand">FranceConnect</span>
        </button>
      </form>
      <p>
        <a
          href="https://franceconnect.gouv.fr/"
          target="_blank"
          rel="noopener noreferrer"
          title="Qu’est-ce que FranceConnect ? - nouvelle fenêtre"
        >
          Qu’est-ce que FranceConnect ?
        </a>
      </p>
    </div>
  );
}
