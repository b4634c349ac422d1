import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Alert } from "./alert";

describe("Alert", () => {
  it("renders a node body after its description, inside the alert", () => {
    const html = renderToStaticMarkup(
      <Alert type="warning" title="Confirmer ?" description="Ce statut est définitif." data-testid="confirmation">
        <form method="post">
          <button type="submit">Confirmer</button>
        </form>
      </Alert>,
    );
    expect(html).toMatch(/^<div class="fr-alert fr-alert--warning" data-testid="confirmation">/);
    expect(html).toMatch(
      /<h3 class="fr-alert__title">Confirmer \?<\/h3><p>Ce statut est définitif.<\/p><form method="post">.*<\/form><\/div>$/,
    );
  });

  it("announces an outcome by the role matching its type", () => {
    expect(renderToStaticMarkup(<Alert type="error" announce description="Échec" />)).toContain('role="alert"');
    expect(renderToStaticMarkup(<Alert type="success" announce description="Fait" />)).toContain('role="status"');
    expect(renderToStaticMarkup(<Alert type="info" description="Note" />)).not.toContain("role=");
  });
});
