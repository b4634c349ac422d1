import { describe, expect, it } from "vitest";
import { hubeeExternalId, isShipmentReference, newShipmentReference } from "./shipment-reference";

describe("shipment references", () => {
  it("are 13 uppercase hex characters, and do not repeat", () => {
    const references = Array.from({ length: 1000 }, newShipmentReference);
    for (const reference of references) expect(reference).toMatch(/^[0-9A-F]{13}$/);
    expect(new Set(references).size).toBe(1000);
  });

  it("use every hex digit in every position over many draws (no fixed nibble)", () => {
    const references = Array.from({ length: 2000 }, newShipmentReference);
    for (let position = 0; position < 13; position++) {
      expect(new Set(references.map((r) => r[position])).size).toBe(16);
    }
  });

  it("are recognised", () => {
    expect(isShipmentReference("0A1B2C3D4E5F6")).toBe(true);
    expect(isShipmentReference(newShipmentReference())).toBe(true);
    for (const bad of [
      "0a1b2c3d4e5f6",
      "0A1B2C3D4E5F",
      "0A1B2C3D4E5F67",
      "0A1B2C3D4E5FG",
      "",
      " 0A1B2C3D4E5F6",
      null,
      13,
    ]) {
      expect(isShipmentReference(bad)).toBe(false);
    }
  });

  it("give HubEE's external id", () => {
    expect(hubeeExternalId("0A1B2C3D4E5F6")).toBe("Formulaire-QF-0A1B2C3D4E5F6");
    expect(hubeeExternalId(newShipmentReference()).length).toBeLessThanOrEqual(30);
    expect(() => hubeeExternalId("../../etc")).toThrow(TypeError);
  });
});
