import { isRouteErrorResponse } from "@remix-run/react";
import ovoidHref from "@gouvfr/dsfr/dist/artwork/background/ovoid.svg";
import technicalErrorHref from "@gouvfr/dsfr/dist/artwork/pictograms/system/technical-error.svg";
import { ButtonLink, ButtonsGroup } from "./button";

type ErrorPageContent = { title: string; code: number; lead: string; details: string[] };

/**
 * Texts of the DSFR "pages d'erreur" for a caught error. Only the status is used: the error
 * itself (message, stack) may hold internal details and is never shown to the user.
 */
export function errorPageContent(error: unknown): ErrorPageContent {
  const status = isRouteErrorResponse(error) ? error.status : 500;
  if (status === 404) {
    return {
      title: "Page introuvable",
      code: 404,
      lead: "La page que vous cherchez est introuvable. Excusez-nous pour la gêne occasionnée.",
      details: [
        "Si vous avez tapé l'adresse web dans le navigateur, vérifiez qu'elle est correcte. La page n’est peut-être plus disponible.",
        "Dans ce cas, pour continuer votre visite vous pouvez consulter notre page d’accueil.",
      ],
    };
  }
  if (status === 503) {
    return {
      title: "Service indisponible",
      code: 503,
      lead: "Le service est temporairement indisponible. Excusez-nous pour la gêne occasionnée.",
      details: ["Merci de réessayer plus tard, vous serez bientôt en mesure d’utiliser notre service."],
    };
  }
  if (status >= 400 && status < 500) {
    return {
      title: "Demande impossible",
      code: status,
      lead: "Votre demande n’a pas pu être traitée.",
      details: ["Revenez à la page d’accueil pour recommencer votre démarche."],
    };
  }
  return {
    title: "Erreur inattendue",
    code: status,
    lead: "Désolé, le service rencontre un problème, nous travaillons pour le résoudre le plus rapidement possible.",
    details: ["Essayez de rafraîchir la page ou bien réessayez plus tard."],
  };
}

/** DSFR "page d'erreur" pattern: title, code, explanation, link home, decorative pictogram. */
export function ErrorPage({ error }: { error: unknown }) {
  const { title, code, lead, details } = errorPageContent(error);
  return (
    <div className="fr-container">
      <div className="fr-my-7w fr-mt-md-12w fr-mb-md-10w fr-grid-row fr-grid-row--gutters fr-grid-row--middle fr-grid-row--center">
        <div className="fr-py-0 fr-col-12 fr-col-md-6">
          <h1>{title}</h1>
          <p className="fr-text--sm fr-mb-3w">Erreur {code}</p>
          <p className="fr-text--lead fr-mb-3w">{lead}</p>
          <p className="fr-text--sm fr-mb-5w">
            {details.map((line, index) => (
              <span key={index}>
                {index > 0 ? <br /> : null}
                {line}
              </span>
            ))}
          </p>
          <ButtonsGroup inline="md">
            <li>
              {/* A full reload: after an error the client state may be broken. */}
              <ButtonLink to="/" reloadDocument>
                Page d&apos;accueil
              </ButtonLink>
            </li>
          </ButtonsGroup>
        </div>
        <div className="fr-col-12 fr-col-md-3 fr-col-offset-md-1 fr-px-6w fr-px-md-0 fr-py-0">
          <svg
            xmlns="http://www.w3.org/2000/svg"
            className="fr-responsive-img fr-artwork"
            aria-hidden="true"
            width="160"
            height="200"
            viewBox="0 0 160 200"
          >
            <use className="fr-artwork-motif" href={`${ovoidHref}#artwork-motif`} />
            <use className="fr-artwork-background" href={`${ovoidHref}#artwork-background`} />
            <g transform="translate(40, 60)">
              <use className="fr-artwork-decorative" href={`${technicalErrorHref}#artwork-decorative`} />
              <use className="fr-artwork-minor" href={`${technicalErrorHref}#artwork-minor`} />
              <use className="fr-artwork-major" href={`${technicalErrorHref}#artwork-major`} />
            </g>
          </svg>
        </div>
      </div>
    </div>
  );
}
