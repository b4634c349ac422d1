import { Link } from "@remix-run/react";

/** How to give the QF without this service: the same advice on every dead end. */
export function Alternatives({ titleLevel = "h2" }: { titleLevel?: "h2" | "h3" }) {
  const Title = titleLevel;
  return (
    <section aria-labelledby="autres-solutions">
      <Title id="autres-solutions" className="fr-h4">
        Les autres solutions
      </Title>
      <ul>
        <li>
          Téléchargez votre <strong>attestation de quotient familial</strong> sur{" "}
          <a href="https://caf.fr/allocataires/mon-compte" target="_blank" rel="noopener noreferrer">
            caf.fr (nouvelle fenêtre)
          </a>{" "}
          ou sur{" "}
          <a href="https://www.msa.fr/" target="_blank" rel="noopener noreferrer">
            msa.fr (nouvelle fenêtre)
          </a>
          , puis envoyez-la par e-mail à votre mairie ;
        </li>
        <li>ou apportez-la à l’accueil de votre mairie.</li>
      </ul>
      <p>
        <Link to="/sans-france-connect">Toutes les solutions sans ce service</Link>
      </p>
    </section>
  );
}
