import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Textarea } from "./textarea";

describe("Textarea", () => {
  it("ties its label, hint and error message to the field", () => {
    const html = renderToStaticMarkup(
      <Textarea name="origines" label="Origines" hint="Une par ligne" error="Adresse invalide" defaultValue="x" />,
    );
    expect(html).toContain('class="fr-input-group fr-input-group--error"');
    expect(html).toMatch(/<label class="fr-label" for="origines">Origines<span class="fr-hint-text">Une par ligne/);
    expect(html).toMatch(/<textarea[^>]*class="fr-input"[^>]*id="origines"[^>]*name="origines"/);
    expect(html).toMatch(/<textarea[^>]*aria-invalid="true"[^>]*aria-describedby="origines-error"/);
    expect(html).toContain('<p class="fr-message fr-message--error" id="origines-error">Adresse invalide</p>');
  });

  it("keeps a description of its own and has no error state without an error", () => {
    const html = renderToStaticMarkup(<Textarea name="note" id="note-1" label="Note" aria-describedby="aide" />);
    expect(html).not.toContain("aria-invalid");
    expect(html).toMatch(/<textarea[^>]*aria-describedby="aide"/);
    expect(html).toMatch(/<textarea[^>]*id="note-1"/);
  });
});
