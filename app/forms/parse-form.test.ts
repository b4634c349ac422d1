import { describe, expect, it } from "vitest";
import { z } from "zod";
import { checkbox, oneOf, optionalText, requiredText } from "./fields";
import { formEntries, invalidFieldsMessage, MAX_FIELD_LENGTH, parseForm } from "./parse-form";

const form = (entries: [string, string][]) => {
  const data = new FormData();
  for (const [name, value] of entries) data.append(name, value);
  return data;
};

const schema = z.object({
  name: requiredText("Indiquez le nom du service."),
  note: optionalText(10),
  notify: checkbox(),
  level: oneOf(["agent", "admin"], "Choisissez un rôle."),
  token: optionalText(),
});

describe("parseForm", () => {
  it("returns typed, trimmed data and what was typed", () => {
    const result = parseForm(
      schema,
      form([
        ["name", "  Cantine "],
        ["notify", "on"],
        ["level", "admin"],
      ]),
    );
    expect(result).toEqual({
      success: true,
      data: { name: "Cantine", note: "", notify: true, level: "admin", token: "" },
      values: { name: "  Cantine ", notify: "on", level: "admin" },
    });
  });

  it("gives each field its own French message, absent fields included", () => {
    const result = parseForm(
      schema,
      form([
        ["name", "   "],
        ["note", "onze lettres"],
        ["level", "root"],
      ]),
    );
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.errors).toEqual({
      name: "Indiquez le nom du service.",
      note: "Ce champ ne peut dépasser 10 caractères.",
      level: "Choisissez un rôle.",
    });
    expect(invalidFieldsMessage(result.errors)).toBe("3 champs sont à corriger ci-dessous.");
  });

  it("never sends a secret field back to the page", () => {
    const result = parseForm(schema, form([["token", "s3cr3t"]]), { secretFields: ["token"] });
    expect(result.values).not.toHaveProperty("token");
  });

  it("keeps repeated names as arrays and bounds every value", () => {
    const entries = formEntries(
      form([
        ["ids", "a"],
        ["ids", "b"],
        ["long", "x".repeat(MAX_FIELD_LENGTH + 5)],
      ]),
    );
    expect(entries.ids).toEqual(["a", "b"]);
    expect((entries.long as string).length).toBe(MAX_FIELD_LENGTH);
  });

  it("reports an error about the whole form under _form", () => {
    const refined = z.object({ a: optionalText(), b: optionalText() }).refine((v) => v.a !== "" || v.b !== "", {
      message: "Remplissez au moins un champ.",
    });
    const result = parseForm(refined, form([]));
    expect(result.success ? null : result.errors).toEqual({ _form: "Remplissez au moins un champ." });
    expect(invalidFieldsMessage({ a: "x" })).toBe("Un champ est à corriger ci-dessous.");
  });
});
