import { describe, expect, it } from "vitest";
import { ErrorPage, errorPageContent } from "./error-page";
import { render } from "./test-render";

// What isRouteErrorResponse recognises: a thrown Response as Remix hands it to the boundary.
const routeError = (status: number) => ({ status, statusText: "", data: "détail interne", internal: false });

describe("ErrorPage", () => {
  it("shows the DSFR 404 page with a link home", () => {
    const html = render(<ErrorPage error={routeError(404)} />);
    expect(html).toContain("<h1>Page introuvable</h1>");
    expect(html).toContain("Erreur 404");
    expect(html).toMatch(/<a class="fr-btn" [^>]*href="\/"[^>]*>Page d&#x27;accueil<\/a>/);
    expect(html).not.toContain("détail interne");
  });

  it("shows a 500 page for thrown errors, never their message or stack", () => {
    const error = new Error("connexion à la base refusée");
    const html = render(<ErrorPage error={error} />);
    expect(html).toContain("<h1>Erreur inattendue</h1>");
    expect(html).toContain("Erreur 500");
    expect(html).not.toContain(error.message);
    expect(html).not.toContain("at ");
  });

  it("names other statuses", () => {
    expect(errorPageContent(routeError(503)).title).toBe("Service indisponible");
    expect(errorPageContent(routeError(403))).toMatchObject({ title: "Demande impossible", code: 403 });
  });
});
