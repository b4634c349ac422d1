import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Checkbox } from "./checkbox";
import { Input } from "./input";
import { RadioGroup } from "./radio-group";
import { Select } from "./select";

const attribute = (html: string, tag: string, name: string) =>
  html.match(new RegExp(`<${tag}[^>]* ${name}="([^"]*)"`))?.[1];

describe("Input", () => {
  it("ties the error message to the field and marks it invalid", () => {
    const html = renderToStaticMarkup(
      <Input
        name="email"
        label="Adresse électronique"
        hint="Format attendu : nom@domaine.fr"
        error="Adresse invalide"
      />,
    );
    expect(html).toContain('class="fr-input-group fr-input-group--error"');
    expect(attribute(html, "input", "aria-describedby")).toBe("email-error");
    expect(attribute(html, "input", "aria-invalid")).toBe("true");
    expect(html).toContain('<p class="fr-message fr-message--error" id="email-error">Adresse invalide</p>');
    expect(html).toContain('<label class="fr-label" for="email">Adresse électronique<span class="fr-hint-text">');
  });

  it("has no error wiring without an error, and keeps the caller's description", () => {
    const html = renderToStaticMarkup(<Input name="nom" id="nom-usage" label="Nom" aria-describedby="aide" />);
    expect(html).not.toContain("--error");
    expect(html).not.toContain("aria-invalid");
    expect(attribute(html, "input", "aria-describedby")).toBe("aide");
    expect(attribute(html, "input", "id")).toBe("nom-usage");
  });
});

describe("Select", () => {
  it("selects the placeholder by default and wires the error", () => {
    const html = renderToStaticMarkup(
      <Select
        name="commune"
        label="Commune"
        placeholder="Sélectionner une option"
        options={[{ value: "75056", label: "Paris" }]}
        error="Choisissez une commune"
      />,
    );
    expect(html).toContain('class="fr-select-group fr-select-group--error"');
    expect(html).toContain('<option value="" disabled="" selected="">Sélectionner une option</option>');
    expect(attribute(html, "select", "aria-describedby")).toBe("commune-error");
  });

  it("puts a note under the control, describing it, and leaves the label to the label alone", () => {
    const html = renderToStaticMarkup(
      <Select name="statut" label="Statut" options={[{ value: "", label: "Tous" }]} note="Dans l’onglet « Tous »" />,
    );
    expect(html).toContain('<label class="fr-label" for="statut">Statut</label>');
    expect(html).toContain('<p class="fr-message fr-message--info" id="statut-note">Dans l’onglet « Tous »</p>');
    expect(attribute(html, "select", "aria-describedby")).toBe("statut-note");
  });
});

describe("Checkbox", () => {
  it("wires the error to the checkbox", () => {
    const html = renderToStaticMarkup(<Checkbox name="accord" label="J'accepte" error="Cochez la case" />);
    expect(html).toContain('class="fr-checkbox-group fr-checkbox-group--error"');
    expect(attribute(html, "input", "aria-describedby")).toBe("accord-error");
    expect(attribute(html, "input", "type")).toBe("checkbox");
  });
});

describe("RadioGroup", () => {
  const options = [
    { value: "F", label: "Féminin" },
    { value: "M", label: "Masculin" },
  ];

  it("reads its error with the legend and marks the group, options linkable by name and value", () => {
    const html = renderToStaticMarkup(
      <RadioGroup name="sexe" legend="Sexe" options={options} defaultValue="M" error="Indiquez le sexe." inline />,
    );
    expect(html).toContain(
      '<fieldset class="fr-fieldset fr-fieldset--error" aria-labelledby="sexe-legende sexe-error">',
    );
    expect(html).toContain('<p class="fr-message fr-message--error" id="sexe-error">Indiquez le sexe.</p>');
    expect(html).toContain('id="sexe-F"');
    expect(html).toMatch(/<input[^>]*id="sexe-M"[^>]*checked=""/);
    expect(html).not.toMatch(/<input[^>]*id="sexe-F"[^>]*checked=""/);
    expect(html).toContain("fr-fieldset__element--inline");
  });

  it("has no error wiring without an error, and takes another legend id", () => {
    const html = renderToStaticMarkup(
      <RadioGroup name="communeCode" legendId="commune-choix-legende" legend="Laquelle ?" options={options} />,
    );
    expect(html).toContain('<fieldset class="fr-fieldset" aria-labelledby="commune-choix-legende">');
    expect(html).not.toContain("--error");
    expect(html).not.toContain("checked");
  });
});
