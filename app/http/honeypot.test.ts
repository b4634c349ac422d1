import { describe, expect, it } from "vitest";
import { HONEYPOT_FIELD, isHoneypotFilled } from "./honeypot";

function form(entries: Record<string, string | Blob>): FormData {
  const data = new FormData();
  for (const [name, value] of Object.entries(entries)) data.append(name, value);
  return data;
}

describe("honeypot", () => {
  it("lets a person's submission through: field absent, empty or blank", () => {
    expect(isHoneypotFilled(form({ consentement: "oui" }))).toBe(false);
    expect(isHoneypotFilled(form({ [HONEYPOT_FIELD]: "" }))).toBe(false);
    expect(isHoneypotFilled(form({ [HONEYPOT_FIELD]: "  " }))).toBe(false);
  });

  it("catches a bot that filled the hidden field, even with a file", () => {
    expect(isHoneypotFilled(form({ [HONEYPOT_FIELD]: "https://spam.example" }))).toBe(true);
    expect(isHoneypotFilled(form({ [HONEYPOT_FIELD]: new Blob(["x"]) }))).toBe(true);
  });

  it("uses a plain, form-safe field name", () => {
    expect(HONEYPOT_FIELD).toMatch(/^[a-z_]+$/);
  });
});
